/** Admin stock changes: inputs and outputs. Limits are named constants. */
import { z } from 'zod'
import { productIdSchema, propagationSchema } from '../catalog/catalog.schema'

/** Largest single stock change an admin may make (either way). */
export const STOCK_DELTA_MAX = 1_000_000

/** "+50" or "−10": units to add to or remove from what is on the shelf right now. */
export const stockChangeInput = z.object({
  productId: productIdSchema,
  delta: z
    .number({ error: 'delta must be a whole number of units, e.g. 50 or -10' })
    .int('delta must be a whole number of units, e.g. 50 or -10')
    .min(-STOCK_DELTA_MAX, `A stock change removes at most ${STOCK_DELTA_MAX} units`)
    .max(STOCK_DELTA_MAX, `A stock change adds at most ${STOCK_DELTA_MAX} units`)
    .refine((d) => d !== 0, 'A stock change must add or remove at least one unit'),
})
export type StockChangeInput = z.infer<typeof stockChangeInput>

/** Stop selling: stock to zero, whatever concurrent sales left. */
export const stopSellingInput = z.object({ productId: productIdSchema })

export const stockChangeOutput = z.object({
  productId: z.number().int(),
  name: z.string(),
  /** Units on the shelf just before this change (under the row lock: concurrent sales included). */
  previousStock: z.number().int(),
  stock: z.number().int(),
  /** `retrying`: Redis refused part of the invalidation (gate, badge); a background retry is on it. */
  propagation: propagationSchema,
})
export type StockChangeOutput = z.infer<typeof stockChangeOutput>
