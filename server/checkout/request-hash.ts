import { createHash } from 'node:crypto'
import type { PlaceOrderInput } from './checkout.schema'

/** sha256 of the request without its key, in a canonical form (sorted lines, trimmed text). */
export function requestHash(input: PlaceOrderInput): string {
  const canonical = {
    email: input.email.toLowerCase(),
    shippingName: input.shippingName,
    shippingAddress: input.shippingAddress,
    lines: [...input.lines].sort((a, b) => a.productId - b.productId).map((l) => [l.productId, l.quantity]),
    expectedTotalCents: input.expectedTotalCents ?? null,
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex')
}
