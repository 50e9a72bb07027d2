/** Checkout input/output. Every limit is a named constant. */
import { z } from 'zod'
import { MAX_CART_LINES, MAX_QUANTITY_PER_LINE, productIdSchema, quantitySchema } from '../cart/cart.schema'
import { MAX_PRICE_CENTS } from '../catalog/catalog.schema'
import { queuedAnswer, ticketSchema } from '../waiting-room/waiting-room.schema'
import { emailSchema } from './email.schema'
import { brokenTextMessage, isWellFormedText } from '../platform/text.schema'

export { EMAIL_MAX } from './email.schema'

export const IDEMPOTENCY_KEY_MIN = 16
export const IDEMPOTENCY_KEY_MAX = 64
export const IDEMPOTENCY_KEY_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${IDEMPOTENCY_KEY_MIN},${IDEMPOTENCY_KEY_MAX}}$`)
export const NAME_MAX = 120
export const ADDRESS_MAX = 500
/**
 * The largest order checkout accepts, in cents ($10,000,000.00): one full line of the dearest
 * product the catalog allows, so everything a shopper can put on one line stays buyable, while
 * a cart of several such lines (up to 30 × 10 × $1,000,000) is refused with a clear 400 instead
 * of overflowing "Order"."totalCents" (int4, at most 2,147,483,647). A business limit, like a
 * payment provider's per-charge maximum; docs/decision-limits.md has the options.
 */
export const MAX_ORDER_TOTAL_CENTS = MAX_PRICE_CENTS * MAX_QUANTITY_PER_LINE

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .max(max, `${label} is at most ${max} characters`)
    // No control characters (they have no place in a name or an address).
    .refine((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s), `${label} contains control characters`)
    .refine(isWellFormedText, brokenTextMessage(label))

export const placeOrderInput = z
  .object({
    idempotencyKey: z
      .string({ error: 'idempotencyKey is required' })
      .regex(IDEMPOTENCY_KEY_PATTERN, `idempotencyKey must be ${IDEMPOTENCY_KEY_MIN}-${IDEMPOTENCY_KEY_MAX} letters, digits, "-" or "_" (one per checkout attempt)`),
    /** Stored with its domain in ASCII (punycode) form: see email.schema.ts. */
    email: emailSchema,
    shippingName: text('Name', NAME_MAX),
    shippingAddress: text('Address', ADDRESS_MAX),
    lines: z
      .array(z.object({ productId: productIdSchema, quantity: quantitySchema }))
      .min(1, 'Your cart is empty')
      .max(MAX_CART_LINES, `At most ${MAX_CART_LINES} different items per order`)
      .refine((lines) => new Set(lines.map((l) => l.productId)).size === lines.length, 'Each product may appear once'),
    /** The total the shopper saw; if prices changed since, checkout refuses instead of charging more. */
    expectedTotalCents: z.number().int().nonnegative().optional(),
    /**
     * The waiting room's ticket once checkout.pollTicket said ADMITTED: the same call again with
     * it goes straight to checkout (server/waiting-room). Not part of the request's hash, so a
     * retry of the key with or without it is the same request.
     */
    admissionTicket: ticketSchema.optional(),
  })
  .strict()
export type PlaceOrderInput = z.infer<typeof placeOrderInput>

/** The placed order: what checkout answers (and an idempotent replay repeats) once the order is written. */
export const placedOrderAnswer = z.object({
  orderId: z.uuid(),
  status: z.literal('PENDING_PAYMENT'),
  totalCents: z.number().int(),
  currency: z.string(),
})
export type PlacedOrderAnswer = z.infer<typeof placedOrderAnswer>

/**
 * checkout.placeOrder's answer: the placed order, or (waiting room on, or checkout saturated)
 * a place in line, `status: 'QUEUED'` (server/waiting-room/waiting-room.schema.ts). Both are 200s.
 */
export const placeOrderOutput = z.discriminatedUnion('status', [placedOrderAnswer, queuedAnswer])
export type PlaceOrderOutput = z.infer<typeof placeOrderOutput>
