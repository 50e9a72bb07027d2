/** Checkout input/output. Every limit is a named constant. */
import { z } from 'zod'
import { MAX_CART_LINES, productIdSchema, quantitySchema } from '../cart/cart.schema'

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{16,64}$/
export const EMAIL_MAX = 254
export const NAME_MAX = 120
export const ADDRESS_MAX = 500

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .max(max, `${label} is at most ${max} characters`)
    // No control characters (they have no place in a name or an address).
    .refine((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s), `${label} contains control characters`)

export const placeOrderInput = z
  .object({
    idempotencyKey: z
      .string({ error: 'idempotencyKey is required' })
      .regex(IDEMPOTENCY_KEY_PATTERN, 'idempotencyKey must be 16-64 letters, digits, "-" or "_" (one per checkout attempt)'),
    email: z.email('Enter a valid email address').max(EMAIL_MAX),
    shippingName: text('Name', NAME_MAX),
    shippingAddress: text('Address', ADDRESS_MAX),
    lines: z
      .array(z.object({ productId: productIdSchema, quantity: quantitySchema }))
      .min(1, 'Your cart is empty')
      .max(MAX_CART_LINES, `At most ${MAX_CART_LINES} different items per order`)
      .refine((lines) => new Set(lines.map((l) => l.productId)).size === lines.length, 'Each product may appear once'),
    /** The total the shopper saw; if prices changed since, checkout refuses instead of charging more. */
    expectedTotalCents: z.number().int().nonnegative().optional(),
  })
  .strict()
export type PlaceOrderInput = z.infer<typeof placeOrderInput>

export const placeOrderOutput = z.object({
  orderId: z.uuid(),
  status: z.literal('PENDING_PAYMENT'),
  totalCents: z.number().int(),
  currency: z.string(),
})
export type PlaceOrderOutput = z.infer<typeof placeOrderOutput>
