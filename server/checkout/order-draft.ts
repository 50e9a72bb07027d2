/** Turning a validated request plus the stock taken for it into the order row to insert. */
import { randomUUID } from 'node:crypto'
import { AppError } from '../platform/errors'
import type { TakenLine } from '../inventory/inventory.service'
import { formatCents } from './money'
import type { NewOrder } from './checkout.repo'
import type { PlaceOrderInput } from './checkout.schema'

export interface CheckoutRequest {
  sid: string
  input: PlaceOrderInput
  hash: string
}

export function draftOrder(req: CheckoutRequest, taken: TakenLine[]): NewOrder {
  const totalCents = taken.reduce((n, l) => n + l.unitPriceCents * l.quantity, 0)
  const currency = taken[0]?.currency ?? 'USD'
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
