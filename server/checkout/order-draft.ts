/** Turning a validated request plus the stock taken for it into the order row to insert. */
import { randomUUID } from 'node:crypto'
import { AppError } from '../platform/errors'
import type { PricedLine } from '../inventory/inventory.service'
import { formatCents } from './money'
import type { NewOrder } from './checkout.repo'
import { MAX_ORDER_TOTAL_CENTS, type PlaceOrderInput } from './checkout.schema'

export interface CheckoutRequest {
  sid: string
  input: PlaceOrderInput
  hash: string
}

/**
 * The order row for `taken` (prices as read in the checkout transaction). Throws, so the
 * request is refused and none of its stock is taken:
 *  - `AppError('BAD_INPUT')` when the total passes MAX_ORDER_TOTAL_CENTS (details: totalCents, maxTotalCents);
 *  - `AppError('CONFLICT')` when it differs from the total the shopper saw (`expectedTotalCents`).
 */
export function draftOrder(req: CheckoutRequest, taken: PricedLine[]): NewOrder {
  const totalCents = taken.reduce((n, l) => n + l.unitPriceCents * l.quantity, 0)
  const currency = taken[0]?.currency ?? 'USD'
  if (totalCents > MAX_ORDER_TOTAL_CENTS) {
    throw new AppError(
      'BAD_INPUT',
      `An order can come to at most ${formatCents(MAX_ORDER_TOTAL_CENTS, currency)}; this one is ${formatCents(totalCents, currency)}. Split it into smaller orders.`,
      { details: { totalCents, maxTotalCents: MAX_ORDER_TOTAL_CENTS } },
    )
  }
  if (req.input.expectedTotalCents !== undefined && req.input.expectedTotalCents !== totalCents) {
    throw new AppError(
      'CONFLICT',
      `Prices changed since you opened your cart: the total is now ${formatCents(totalCents, currency)}. Review your cart and place the order again.`,
      { details: { totalCents, expectedTotalCents: req.input.expectedTotalCents } },
    )
  }
  return {
    id: randomUUID(),
    idempotencyKey: req.input.idempotencyKey,
    requestHash: req.hash,
    sessionId: req.sid,
    email: req.input.email,
    shippingName: req.input.shippingName,
    shippingAddress: req.input.shippingAddress,
    totalCents,
    currency,
    lines: taken.map((l) => ({ productId: l.productId, name: l.name, quantity: l.quantity, unitPriceCents: l.unitPriceCents })),
  }
}
