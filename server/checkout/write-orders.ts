/**
 * The one way a checkout reaches PostgreSQL, for a folded batch of buyers of one product
 * (fold-hot-buyers.ts) and for a multi-line order alike. One transaction:
 *  1. the inventory service sells stock to the requests as claims, first come first served,
 *     drafting each order from the prices it read (order-draft.ts; a draft that throws
 *     refuses that request alone);
 *  2. the orders served and their lines are inserted, one statement each (checkout.repo.ts);
 *  3. their payment jobs are enqueued by the orders domain, in the same transaction.
 */
import { sellToClaims } from '../inventory/inventory.service'
import { enqueuePayments } from '../orders/orders.service'
import { withTransaction } from '../platform/transaction'
import { insertOrders, type NewOrder } from './checkout.repo'
import { draftOrder, type CheckoutRequest } from './order-draft'

/** A product this order took the last units of, with the restock sequence of that sale. */
export interface SoldOutProduct {
  id: number
  name: string
  restockSeq: number
}

/** An order written, and the products it sold out (to close their sold-out gates). */
export interface PlacedOrder extends NewOrder {
  soldOut: SoldOutProduct[]
}

/** Per request, in order: the order written, or why it was refused (an AppError, mostly). */
export type WriteOutcome = { ok: true; order: PlacedOrder } | { ok: false; error: unknown }

/**
 * Writes the orders for `requests` in one transaction (see above). A refused request
 * (sold out, not for sale, price changed, too large, busy) does not stop the others. Throws
 * only when the transaction itself fails (e.g. a duplicate idempotency key: 23505).
 */
export async function writeOrders(requests: CheckoutRequest[]): Promise<WriteOutcome[]> {
  return withTransaction(async (client) => {
    const outcomes = await sellToClaims(
      client,
      requests.map((req) => ({ lines: req.input.lines, accept: (priced) => draftOrder(req, priced) })),
    )
    const orders = outcomes.flatMap((o) => (o.ok ? [o.value] : []))
    await insertOrders(client, orders)
    await enqueuePayments(client, orders.map((o) => o.id))
    return outcomes.map((o): WriteOutcome => {
      if (!o.ok) return o
      const soldOut = o.taken.filter((l) => l.remaining === 0).map((l) => ({ id: l.productId, name: l.name, restockSeq: l.restockSeq }))
      return { ok: true, order: { ...o.value, soldOut } }
    })
  })
}
