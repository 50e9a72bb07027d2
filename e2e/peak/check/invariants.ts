/**
 * The drill's invariants, checked from PostgreSQL after the queue drained. They are not
 * thresholds: every profile requires all of them, and one violation fails the run.
 */
import type pg from 'pg'
import type { CheckoutAnswer } from '../load/samples'
import { PAYMENT_TASK } from '../world/queue-sampler'

export interface InvariantResult {
  name: string
  ok: boolean
  /** Violations found (0 when ok). */
  violations: number
  detail: string
}

export interface InvariantInput {
  initialStock: Map<number, number>
  /** Units an admin added (or removed) during the run, per product: part of the "initial" side. */
  adjustments?: ReadonlyMap<number, number>
  checkouts: readonly CheckoutAnswer[]
  /** Orders the browsers saw on their order pages. */
  browserOrderIds: readonly string[]
}

export interface InvariantReport {
  results: InvariantResult[]
  /** Figures the summary quotes. */
  figures: { oversoldUnits: number; lostOrders: number; duplicateOrders: number; ordersInDb: number; unmatchedOrders: number; soldHotUnits: number; hotInitial: number }
}

const sample = (items: string[]) => (items.length > 5 ? `${items.slice(0, 5).join(', ')} … (+${items.length - 5})` : items.join(', '))

export async function checkInvariants(pool: pg.Pool, input: InvariantInput, hotId: number): Promise<InvariantReport> {
  const q = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await pool.query<T>(sql, params)).rows
  const results: InvariantResult[] = []
  const add = (name: string, violations: number, detail: string) => results.push({ name, ok: violations === 0, violations, detail })

  // 1. Conservation per product: initial + admin changes = final + units held by orders whose stock was not released.
  const stock = await q<{ id: number; stock: number; sold: number }>(
    `SELECT p.id, p.stock, COALESCE(s.sold, 0)::int AS sold
       FROM "Product" p
       LEFT JOIN (SELECT l."productId", sum(l.quantity) AS sold
                    FROM "OrderLine" l JOIN "Order" o ON o.id = l."orderId"
                   WHERE o."stockReleasedAt" IS NULL
                   GROUP BY l."productId") s ON s."productId" = p.id`,
  )
  const broken: string[] = []
  let oversoldUnits = 0
  let soldHotUnits = 0
  for (const row of stock) {
    const snapshot = input.initialStock.get(row.id)
    const initial = snapshot === undefined ? undefined : snapshot + (input.adjustments?.get(row.id) ?? 0)
    if (row.id === hotId) soldHotUnits = row.sold
    if (initial === undefined) {
      broken.push(`#${row.id} has no initial snapshot`)
      continue
    }
    const diff = row.stock + row.sold - initial
    if (diff !== 0) {
      broken.push(`#${row.id}: initial ${initial}${input.adjustments?.has(row.id) ? ' (with the admin\'s changes)' : ''} ≠ final ${row.stock} + sold ${row.sold}`)
      if (diff > 0) oversoldUnits += diff
    }
  }
  const restocked = [...(input.adjustments ?? [])].map(([id, units]) => `#${id} ${units > 0 ? '+' : ''}${units}`).join(', ')
  add(
    'no oversell: initial stock (+ admin restocks) = final stock + sold, for every product',
    broken.length,
    broken.length ? sample(broken) : `${stock.length} products conserve stock; hot SKU sold ${soldHotUnits} of ${input.initialStock.get(hotId)}${restocked ? `; admin restocks ${restocked} included` : ''}`,
  )

  const negative = await q<{ id: number }>('SELECT id FROM "Product" WHERE stock < 0')
  add('stock never negative', negative.length, negative.length ? sample(negative.map((r) => `#${r.id}`)) : 'every product has stock ≥ 0')

  // 2. Every 2xx checkout answer that placed an order maps to exactly one order (id and idempotency key agree).
  //    A QUEUED 200 (the waiting room) is not an order; the admitted call that follows it is one.
  const accepted = input.checkouts.filter((c) => c.status >= 200 && c.status < 300 && c.outcome !== 'queued')
  const answeredIds = [...new Set(accepted.map((c) => c.orderId).filter((id): id is string => id !== null))]
  const found = await q<{ id: string; key: string }>('SELECT id::text, "idempotencyKey" AS key FROM "Order" WHERE id = ANY($1::uuid[])', [answeredIds])
  const keyOf = new Map(found.map((r) => [r.id, r.key]))
  const lost = accepted.filter((c) => c.orderId === null || !keyOf.has(c.orderId))
  const mismatched = accepted.filter((c) => c.orderId !== null && keyOf.has(c.orderId) && keyOf.get(c.orderId) !== c.key)
  add(
    'every 2xx checkout answer maps to exactly one order',
    lost.length + mismatched.length,
    lost.length + mismatched.length
      ? `${lost.length} accepted without an order (${sample(lost.map((c) => c.key))}), ${mismatched.length} answered with another key's order`
      : `${accepted.length} accepted answers (${answeredIds.length} distinct orders) all found`,
  )
  const browserFound = await q<{ n: number }>('SELECT count(*)::int AS n FROM "Order" WHERE id = ANY($1::uuid[])', [[...input.browserOrderIds]])
  const browserLost = input.browserOrderIds.length - browserFound[0]!.n
  add('every order page a browser reached has its order', browserLost, `${input.browserOrderIds.length} browser orders, ${browserLost} missing`)

  // 3. No two orders for one idempotency key; replays of a key got the same order.
  const dupKeys = await q<{ key: string; n: number }>('SELECT "idempotencyKey" AS key, count(*)::int AS n FROM "Order" GROUP BY 1 HAVING count(*) > 1')
  const idsPerKey = new Map<string, Set<string>>()
  for (const c of accepted) if (c.orderId) (idsPerKey.get(c.key) ?? idsPerKey.set(c.key, new Set()).get(c.key)!).add(c.orderId)
  const split = [...idsPerKey].filter(([, ids]) => ids.size > 1).map(([key]) => key)
  const replays = input.checkouts.filter((c) => c.replay).length
  add(
    'no two orders for one idempotency key',
    dupKeys.length + split.length,
    dupKeys.length + split.length ? `keys with several orders: ${sample([...dupKeys.map((d) => d.key), ...split])}` : `${replays} replayed requests answered consistently`,
  )

  // 4. No order behind a refusal: a key the store only ever refused (4xx/5xx) or queued (a place in
  //    line that never became an admitted, placed checkout: sold out, left, abandoned) must have no order.
  const answersByKey = new Map<string, CheckoutAnswer[]>()
  for (const c of input.checkouts) (answersByKey.get(c.key) ?? answersByKey.set(c.key, []).get(c.key)!).push(c)
  const refusedKeys = [...answersByKey].filter(([, answers]) => answers.every((a) => a.status >= 400 || a.outcome === 'queued')).map(([key]) => key)
  const ghosts = await q<{ key: string }>('SELECT "idempotencyKey" AS key FROM "Order" WHERE "idempotencyKey" = ANY($1::varchar[])', [refusedKeys])
  add('no order exists for a checkout the store refused', ghosts.length, ghosts.length ? sample(ghosts.map((g) => g.key)) : `${refusedKeys.length} refused (or queued and never placed) keys, none has an order`)

  // 5. Every order final, or legitimately pending (a live payment job still owns it); release markers consistent.
  const states = await q<{ status: string; released: boolean; n: number }>(
    'SELECT status::text, ("stockReleasedAt" IS NOT NULL) AS released, count(*)::int AS n FROM "Order" GROUP BY 1, 2',
  )
  const orphanPending = await q<{ id: string }>(
    `SELECT o.id::text FROM "Order" o
      WHERE o.status = 'PENDING_PAYMENT'
        AND NOT EXISTS (SELECT 1 FROM graphile_worker.jobs j
                         WHERE j.key = o.id::text AND j.task_identifier = $1 AND j.attempts < j.max_attempts)`,
    [PAYMENT_TASK],
  )
  const badRelease = states.filter((s) => (s.status === 'FAILED') !== s.released).reduce((n, s) => n + s.n, 0)
  const byState = states.map((s) => `${s.status}${s.released ? ' (released)' : ''}: ${s.n}`).join(', ')
  add(
    'every order is PAID, FAILED (stock released), or pending with a live payment job',
    orphanPending.length + badRelease,
    orphanPending.length + badRelease
      ? `${orphanPending.length} pending without a job (${sample(orphanPending.map((o) => o.id))}), ${badRelease} with a release marker that contradicts the status`
      : byState || 'no orders',
  )

  // 6. At most one successful charge per order, and charges agree with order states.
  const charges = await q<{ duplicated: number; chargedNotPaid: number; paidWithoutCharge: number; wrongAmount: number; requests: number; succeeded: number }>(
    `SELECT
       (SELECT count(*)::int FROM (SELECT "orderId" FROM "PaymentCharge" WHERE status = 'SUCCEEDED' GROUP BY 1 HAVING count(*) > 1) d) AS duplicated,
       (SELECT count(*)::int FROM "PaymentCharge" c JOIN "Order" o ON o.id = c."orderId" WHERE c.status = 'SUCCEEDED' AND o.status = 'FAILED') AS "chargedNotPaid",
       (SELECT count(*)::int FROM "Order" o WHERE o.status = 'PAID'
          AND NOT EXISTS (SELECT 1 FROM "PaymentCharge" c WHERE c."orderId" = o.id AND c.status = 'SUCCEEDED')) AS "paidWithoutCharge",
       (SELECT count(*)::int FROM "PaymentCharge" c JOIN "Order" o ON o.id = c."orderId" WHERE c.status = 'SUCCEEDED' AND c."amountCents" <> o."totalCents") AS "wrongAmount",
       (SELECT COALESCE(sum(requests), 0)::int FROM "PaymentCharge") AS requests,
       (SELECT count(*)::int FROM "PaymentCharge" WHERE status = 'SUCCEEDED') AS succeeded`,
  )
  const c = charges[0]!
  const chargeViolations = c.duplicated + c.chargedNotPaid + c.paidWithoutCharge + c.wrongAmount
  add(
    'at most one successful charge per order, and only for PAID orders',
    chargeViolations,
    chargeViolations
      ? `${c.duplicated} orders charged twice, ${c.chargedNotPaid} FAILED but charged, ${c.paidWithoutCharge} PAID without a charge, ${c.wrongAmount} charged a different amount`
      : `${c.succeeded} successful charges for ${c.requests} provider requests (replays answered from the ledger)`,
  )

  // Figures for the summary.
  const [{ n: ordersInDb }] = (await q<{ n: number }>('SELECT count(*)::int AS n FROM "Order"')) as [{ n: number }]
  const knownKeys = [...answersByKey.keys()]
  const [{ n: matched }] = (await q<{ n: number }>(
    'SELECT count(*)::int AS n FROM "Order" WHERE "idempotencyKey" = ANY($1::varchar[]) OR id = ANY($2::uuid[])',
    [knownKeys, [...input.browserOrderIds]],
  )) as [{ n: number }]
  return {
    results,
    figures: {
      oversoldUnits,
      lostOrders: lost.length + browserLost,
      duplicateOrders: dupKeys.reduce((n, d) => n + d.n - 1, 0) + split.length,
      ordersInDb,
      unmatchedOrders: ordersInDb - matched,
      soldHotUnits,
      hotInitial: input.initialStock.get(hotId) ?? 0,
    },
  }
}
