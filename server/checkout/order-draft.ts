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
 * The order's total in cents for `priced` lines, checked against what checkout allows. Throws:
 *  - `AppError('BAD_INPUT')` when the total passes MAX_ORDER_TOTAL_CENTS (details: totalCents, maxTotalCents);
 *  - `AppError('CONFLICT')` when it differs from the total the shopper saw (`expectedTotalCents`).
 * Used by `draftOrder` (prices read in the checkout transaction) and by the checks before the
 * waiting room's line (precheck-order.ts), so both refuse with the same code and message.
 */
export function checkedTotal(input: Pick<PlaceOrderInput, 'expectedTotalCents'>, priced: PricedLine[]): number {
  const totalCents = priced.reduce((n, l) => n + l.unitPriceCents * l.quantity, 0)
  const currency = priced[0]?.currency ?? 'USD'
  if (totalCents > MAX_ORDER_TOTAL_CENTS) {
    throw new AppError(
      'BAD_INPUT',
      `An order can come to at most ${formatCents(MAX_ORDER_TOTAL_CENTS, currency)}; this one is ${formatCents(totalCents, currency)}. Split it into smaller orders.`,
      { details: { totalCents, maxTotalCents: MAX_ORDER_TOTAL_CENTS } },
    )
  }
  if (input.expectedTotalCents !== undefined && input.expectedTotalCents !== totalCents) {
    throw new AppError(
      'CONFLICT',
      `Prices changed since you opened your cart: the total is now ${formatCents(totalCents, currency)}. Review your cart and place the order again.`,
      { details: { totalCents, expectedTotalCents: input.expectedTotalCents } },
    )
  }
  return totalCents
}

/**
 * The order row for `taken` (prices as read in the checkout transaction). Throws what
 * `checkedTotal` throws, so the request is refused and none of its stock is taken.
 */
export function draftOrder(req: CheckoutRequest, taken: PricedLine[]): NewOrder {
  const totalCents = checkedTotal(req.input, taken)
  const currency = taken[0]?.currency ?? 'USD'
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
