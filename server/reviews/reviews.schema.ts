/** zod shapes of the reviews widget. Limits are named constants. */
import { z } from 'zod'
import { productIdSchema } from '../catalog/catalog.schema'

/** Reviews shown per product (the newest). */
export const REVIEWS_SHOWN = 6

export const reviewsInput = z.object({ productId: productIdSchema })

export const review = z.object({
  id: z.string(),
  author: z.string(),
  rating: z.number().int().min(1).max(5),
  title: z.string(),
  body: z.string(),
  createdAt: z.date(),
})
export type Review = z.infer<typeof review>

export const productReviews = z.object({
  productId: z.number().int(),
  /** Mean rating over every review (not only the ones shown), one decimal; null without reviews. */
  average: z.number().nullable(),
  count: z.number().int(),
  reviews: z.array(review).max(REVIEWS_SHOWN),
})
export type ProductReviews = z.infer<typeof productReviews>
