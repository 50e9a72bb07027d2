/** Cart inputs and outputs. Limits are named constants the UI shows too. */
import { z } from 'zod'

export const MAX_QUANTITY_PER_LINE = 10
export const MAX_CART_LINES = 30

export const productIdSchema = z
  .number({ error: 'productId must be a number' })
  .int('productId must be a whole number')
  .positive('productId must be positive')
  .max(2_147_483_647, 'productId is out of range')

export const quantitySchema = z
  .number({ error: 'quantity must be a number' })
  .int('quantity must be a whole number')
  .min(1, 'quantity must be at least 1')
  .max(MAX_QUANTITY_PER_LINE, `quantity can be at most ${MAX_QUANTITY_PER_LINE}`)

export const addToCartInput = z.object({ productId: productIdSchema, quantity: quantitySchema.default(1) })
export const setQuantityInput = z.object({ productId: productIdSchema, quantity: quantitySchema })
export const removeFromCartInput = z.object({ productId: productIdSchema })

export const cartLine = z.object({
  productId: z.number().int(),
  slug: z.string(),
  name: z.string(),
  imageUrl: z.string(),
  priceCents: z.number().int(),
  currency: z.string(),
  quantity: z.number().int(),
  lineTotalCents: z.number().int(),
  /** False when the product was removed from sale after it was added. */
  available: z.boolean(),
})
export type CartLine = z.infer<typeof cartLine>

export const cart = z.object({
  lines: z.array(cartLine),
  itemCount: z.number().int(),
  subtotalCents: z.number().int(),
  currency: z.string(),
  maxQuantityPerLine: z.number().int(),
})
export type Cart = z.infer<typeof cart>
