/** zod shapes of the catalog's inputs and of the DTOs the UI sees. Limits are named constants. */
import { z } from 'zod'
import { brokenTextMessage, isWellFormedText } from '../platform/text.schema'

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
export const hotDealsInput = z.object({ limit: z.number().int().min(1).max(HOT_DEALS_MAX, `limit is at most ${HOT_DEALS_MAX}`).default(8) })
export const categoryPageInput = z.object({
  slug: slugSchema,
  page: z.number().int().min(1).max(CATEGORY_MAX_PAGE, `page is at most ${CATEGORY_MAX_PAGE}`).default(1),
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
  imageUrl: z.string(),
})
export type ProductCard = z.infer<typeof productCard>

export const productDetail = productCard.extend({
  description: z.string(),
  /** Version of what the product says (content edits bump it; sales never do). */
  contentVersion: z.number().int(),
  category: z.object({ slug: z.string(), name: z.string() }),
})
export type ProductDetail = z.infer<typeof productDetail>

/**
 * What the Redis entry `product:{id}` holds: the detail plus `active` (inactive products
 * are cached too, so the cart can show "no longer available" without a database read).
 * Content only, versioned by `contentVersion`: stock changes with every sale, so it lives
 * in its own short-lived entry (`catalog.stock`), never in this long-lived one.
 */
export const productRecord = productDetail.extend({ active: z.boolean() })
export type ProductRecord = z.infer<typeof productRecord>

/** What the cart shows per line: a card plus whether the product can still be bought. */
export type ProductSummary = ProductCard & { active: boolean }

export const productIdSchema = z.number().int().positive().max(2_147_483_647)

export const LOW_STOCK_THRESHOLD = 10
export const stockInput = z.object({ productId: productIdSchema })
export const stockStatus = z.object({
  productId: z.number().int(),
  stock: z.number().int(),
  status: z.enum(['IN_STOCK', 'LOW_STOCK', 'SOLD_OUT']),
})
export type StockStatus = z.infer<typeof stockStatus>

export const SEARCH_QUERY_MAX = 100
export const SEARCH_RESULTS_MAX = 24
/** C0/C1 control characters (tab, newline, NUL, escape, …). */
const CONTROL_CHARS = /\p{Cc}/u
export const searchQuerySchema = z
  .string()
  .max(SEARCH_QUERY_MAX * 4, `Search for at most ${SEARCH_QUERY_MAX} characters.`)
  .transform((q) => q.normalize('NFKC').trim())
  .pipe(
    z
      .string()
      .min(1, 'Type something to search for.')
      .max(SEARCH_QUERY_MAX, `Search for at most ${SEARCH_QUERY_MAX} characters.`)
      .refine((q) => !CONTROL_CHARS.test(q), 'Search text cannot contain control characters (tabs, line breaks, …).'),
  )
export const searchInput = z.object({ q: searchQuerySchema })
export const searchResult = z.object({
  query: z.string(),
  products: z.array(productCard),
  total: z.number().int(),
})
export type SearchResult = z.infer<typeof searchResult>

/**
 * Bounds of what an admin can set. Checked together with the cart and checkout limits (and
 * the columns that store them) by server/checkout/limit-edges.http.test.ts: the dearest
 * product times the per-line maximum is still an order checkout accepts. `MAX_STOCK` bounds
 * what an admin's stock change may leave on the shelf (server/inventory/change-stock.ts).
 */
export const MAX_PRICE_CENTS = 100_000_000
export const MAX_STOCK = 1_000_000
export const PRODUCT_NAME_MAX = 200
export const PRODUCT_DESCRIPTION_MAX = 10_000

/** A content edit: what the product says. Stock is not content (server/inventory/inventory.schema.ts). */
export const productPatch = z
  .object({
    priceCents: z.number().int().min(0).max(MAX_PRICE_CENTS, `priceCents is at most ${MAX_PRICE_CENTS}`).optional(),
    name: z.string().trim().min(1).max(PRODUCT_NAME_MAX, `name is at most ${PRODUCT_NAME_MAX} characters`).refine(isWellFormedText, brokenTextMessage('name')).optional(),
    description: z
      .string()
      .trim()
      .max(PRODUCT_DESCRIPTION_MAX, `description is at most ${PRODUCT_DESCRIPTION_MAX} characters`)
      .refine(isWellFormedText, brokenTextMessage('description'))
      .optional(),
    hot: z.boolean().optional(),
    active: z.boolean().optional(),
    stock: z
      .never({ error: 'Stock is not part of a content edit: change it with a stock change (+/− units) or "stop selling".' })
      .optional(),
  })
  .strict()
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'Change at least one field.')
export type ProductPatch = Omit<z.infer<typeof productPatch>, 'stock'>
export const updateProductInput = z.object({
  id: productIdSchema,
  patch: productPatch,
  /** The content version the admin edited; a newer one in the database → CONFLICT instead of a lost update. */
  expectedContentVersion: z.number().int().min(1).optional(),
})
/** After a change: `retrying` when Redis or an edge cache refused part of the invalidation and it is being retried. */
export const propagationSchema = z.enum(['complete', 'retrying'])
export type Propagation = z.infer<typeof propagationSchema>
export const updateProductOutput = z.object({ product: productRecord, propagation: propagationSchema })
export type UpdateProductOutput = z.infer<typeof updateProductOutput>

/** What the /ops editor loads: content and stock straight from the primary database, never a cache. */
export const productForEdit = productRecord.extend({ stock: z.number().int() })
export type ProductForEdit = z.infer<typeof productForEdit>

export const categoryPage = z.object({
  category: categorySummary,
  products: z.array(productCard),
  page: z.number().int(),
  pageCount: z.number().int(),
  sort: sortSchema,
})
export type CategoryPage = z.infer<typeof categoryPage>
