/**
 * The invariants of the admin's work during the hold (world/admin-actions.ts), from
 * PostgreSQL after the queue drained. Strict in every profile, like the others:
 *  - both changes were accepted, and every cache layer was told (`propagation: complete`);
 *  - every order created after the price edit committed (database clock: `Order.createdAt` is
 *    its checkout transaction's start, later than the request's) carries the new price and was
 *    charged it; every order created before the edit was sent carries the old one. An order
 *    whose checkout started before the commit may carry either. The set checked includes
 *    every order whose request started after the commit, so this is the stronger check. If no
 *    order came after the edit while the doorbuster still had units, that is a violation (the
 *    check proved nothing); if it had sold out while the edit was in flight (a drowning store
 *    can take seconds to answer the admin), the detail says there was nothing left to check;
 *  - the restocked units were buyable within PROPAGATION_DEADLINE_MS of the restock answering:
 *    no probe checkout sent later than that was refused SOLD_OUT, and one was accepted. A
 *    probe the store shed (429/503) or did not answer says nothing about propagation (the
 *    latency and error thresholds judge those); they are counted in the detail.
 * Conservation of the restocked units is in invariants.ts (the restock is an adjustment).
 */
import type pg from 'pg'
import { PROPAGATION_DEADLINE_MS } from '../../../server/catalog/propagation'
import type { AdminRecord } from '../world/admin-actions'
import type { InvariantResult } from './invariants'

const result = (name: string, violations: number, detail: string): InvariantResult => ({ name, ok: violations === 0, violations, detail })

export async function checkAdminInvariants(pool: pg.Pool, admin: AdminRecord): Promise<InvariantResult[]> {
  const out: InvariantResult[] = []
  const edit = admin.priceEdit
  const restock = admin.restock

  const refusals = [
    edit === null ? 'the price edit never ran' : edit.status !== 200 ? `price edit answered ${edit.status}` : edit.propagation !== 'complete' ? `price edit propagation ${edit.propagation}` : null,
    restock === null ? 'the restock never ran' : restock.status !== 200 ? `restock answered ${restock.status}` : restock.propagation !== 'complete' ? `restock propagation ${restock.propagation}` : null,
    ...admin.errors,
  ].filter((x): x is string => x !== null)
  out.push(
    result(
      "the admin's price edit and restock were accepted and reached every cache layer",
      refusals.length,
      refusals.length ? refusals.join('; ') : `price edit at +${admin.plan.priceEditAtS} s and restock at +${admin.plan.restockAtS} s into the hold, both complete`,
    ),
  )

  if (edit && edit.status === 200) {
    const { rows } = await pool.query<{ id: string; createdAt: Date; unitPriceCents: number; quantity: number; charged: number | null }>(
      `SELECT o.id::text, o."createdAt", l."unitPriceCents", l.quantity, c."amountCents" AS charged
         FROM "Order" o JOIN "OrderLine" l ON l."orderId" = o.id
         LEFT JOIN "PaymentCharge" c ON c."orderId" = o.id AND c.status = 'SUCCEEDED'
        WHERE l."productId" = $1`,
      [edit.productId],
    )
    const after = rows.filter((r) => r.createdAt > edit.committedByDb)
    const before = rows.filter((r) => r.createdAt < edit.sentAtDb)
    const wrong = [
      ...after.filter((r) => r.unitPriceCents !== edit.newPriceCents || (r.charged !== null && r.charged !== edit.newPriceCents * r.quantity)),
      ...before.filter((r) => r.unitPriceCents !== edit.oldPriceCents),
    ]
    const charged = after.filter((r) => r.charged !== null).length
    out.push(
      result(
        'every order created after the price edit committed (database clock) was charged the new price; every earlier one the old',
        wrong.length + (after.length === 0 && edit.stockAtCommit > 0 ? 1 : 0),
        wrong.length
          ? `${wrong.length} orders with the wrong price: ${wrong.slice(0, 5).map((r) => `${r.id} at ${r.unitPriceCents}`).join(', ')}`
          : after.length === 0
            ? edit.stockAtCommit > 0
              ? `no order was created after the edit committed, though ${edit.stockAtCommit} units were left: the check proved nothing`
              : `nothing to check after the edit: the doorbuster sold out while the edit was in flight (it answered ${((edit.committedByDb.getTime() - edit.sentAtDb.getTime()) / 1000).toFixed(1)} s after it was sent); ${before.length} orders before it at the old price, ${rows.length - before.length} during it`
            : `${after.length} orders after the edit at ${edit.newPriceCents} cents (${charged} charged it, the rest declined or retried), ${before.length} before it at ${edit.oldPriceCents}, ${rows.length - after.length - before.length} during it`,
      ),
    )
  }

  if (restock && restock.status === 200) {
    const soldOutLate = restock.attempts.filter((a) => a.appCode === 'SOLD_OUT' && a.afterMs > PROPAGATION_DEADLINE_MS)
    const busy = restock.attempts.filter((a) => a.status === 0 || a.status === 429 || a.status === 503).length
    const soldOut = restock.attempts.filter((a) => a.appCode === 'SOLD_OUT').length
    const violations = soldOutLate.length + (restock.buyableAfterMs === null ? 1 : 0)
    out.push(
      result(
        `the restocked units were buyable within the propagation deadline (${PROPAGATION_DEADLINE_MS} ms)`,
        violations,
        `${restock.attempts.length} checkouts of #${restock.productId} after the restock: ${soldOut} refused SOLD_OUT (${soldOutLate.length} of them sent after the deadline), ${busy} shed or unanswered by a busy store; ` +
          (restock.buyableAfterMs === null
            ? 'none accepted'
            : `the first accepted was sent ${restock.buyableAfterMs} ms after the restock answered (it took ${restock.acceptedCheckoutMs} ms)`),
      ),
    )
  }
  return out
}
