/** zod shapes of the catalog's inputs and of the DTOs the UI sees. Limits are named constants. */
import { z } from 'zod'

export const SLUG_MAX_LENGTH = 160
export const CATEGORY_PAGE_SIZE = 24
export const CATEGORY_MAX_PAGE = 1_000
export const HOT_DEALS_MAX = 24
export const SORTS = ['popular', 'price-asc', 'price-desc'] as const

export const slugSchema = z
  .string()
  .min(1, 'slug is required')
  .max(SLUG_MAX_LENGTH, `slug is at most ${SLUG_MAX_LENGTH} characters`)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'slug may contain lowercase letters, digits and single dashes')

export const sortSchema = z.enum(SORTS)
export type Sort = z.infer<typeof sortSchema>

export const productBySlugInput = z.object({ slug: slugSchema })
export const hotDealsInput = z.object({ limit: z.number().int().min(1).max(HOT_DEALS_MAX).default(8) })
export const categoryPageInput = z.object({
  slug: slugSchema,
  page: z.number().int().min(1).max(CATEGORY_MAX_PAGE).default(1),
  sort: sortSchema.default('popular'),
})

export const categorySummary = z.object({
  id: z.number().int(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  productCount: z.number().int(),
})
export type CategorySummary = z.infer<typeof categorySummary>

export const productCard = z.object({
  id: z.number().int(),
  slug: z.string(),
  name: z.string(),
  priceCents: z.number().int(),
  currency: z.string(),
  hot: z.boolean(),
  stock: z.number().int(),
  imageUrl: z.string(),
})
export type ProductCard = z.infer<typeof productCard>

export const productDetail = productCard.extend({
  description: z.string(),
  version: z.number().int(),
  updatedAt: z.date(),
  category: z.object({ slug: z.string(), name: z.string() }),
})
export type ProductDetail = z.infer<typeof productDetail>

export const categoryPage = z.object({
  category: categorySummary,
  products: z.array(productCard),
  page: z.number().int(),
  pageCount: z.number().int(),
  sort: sortSchema,
})
export type CategoryPage = z.infer<typeof categoryPage>
