/**
 * The invariant checker sees what it claims to: on a small real database, a consistent set of
 * orders passes, and each kind of damage (oversell, a lost or refused-but-written order, a
 * pending order nobody will charge, an unreleased failure, a charge without a sale) is caught.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { expect, test } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { env } from '../../../server/env'
import { createTestDatabase, type TestDatabase } from '../../../testing/test-services'
import { checkAdminInvariants } from '../check/admin-invariants'
import { checkInvariants, type InvariantReport } from '../check/invariants'
import { DEFAULT_ADMIN_PLAN } from '../drill-options'
import type { AdminRecord } from '../world/admin-actions'
import type { CheckoutAnswer } from '../load/samples'
import { stockSnapshot } from '../world/catalog-facts'
import { PAYMENT_TASK } from '../world/queue-sampler'

let database: TestDatabase
let pool: pg.Pool
let products: number[]

test.beforeAll(async () => {
  database = await createTestDatabase(env.DATABASE_URL, 'sf_peakcheck', { seedProducts: 20 })
  pool = new pg.Pool({ connectionString: database.url, max: 2 })
  products = (await pool.query<{ id: number }>('UPDATE "Product" SET stock = 100 RETURNING id')).rows.map((r) => r.id).sort((a, b) => a - b)
})

test.afterAll(async () => {
  await pool?.end()
  await database?.drop()
})

interface FakeOrder {
  productId: number
  unitPriceCents?: number
  status: 'PENDING_PAYMENT' | 'PAID' | 'FAILED'
  takeStock?: boolean
  released?: boolean
  job?: boolean
  charge?: 'SUCCEEDED' | 'DECLINED'
}

async function order(o: FakeOrder): Promise<{ id: string; key: string }> {
  const id = randomUUID()
  const key = `check-${id}`
  if (o.takeStock ?? true) await pool.query('UPDATE "Product" SET stock = stock - 1 WHERE id = $1', [o.productId])
  await pool.query(
    `INSERT INTO "Order" (id, "idempotencyKey", "requestHash", "sessionId", email, "shippingName", "shippingAddress", status, "totalCents", currency, "stockReleasedAt", "updatedAt")
     VALUES ($1, $2, repeat('0', 64), 's', 'a@example.com', 'A', 'B', $3, $5, 'USD', $4, now())`,
    [id, key, o.status, o.released ? new Date() : null, o.unitPriceCents ?? 500],
  )
  await pool.query('INSERT INTO "OrderLine" ("orderId", "productId", name, quantity, "unitPriceCents") VALUES ($1, $2, $3, 1, $4)', [id, o.productId, 'Item', o.unitPriceCents ?? 500])
  if (o.released) await pool.query('UPDATE "Product" SET stock = stock + 1 WHERE id = $1', [o.productId])
  if (o.job) await pool.query(`SELECT graphile_worker.add_job($1, json_build_object('orderId', $2::text), run_at := now() + interval '1 hour', job_key := $2::text)`, [PAYMENT_TASK, id])
  if (o.charge) {
    await pool.query(`INSERT INTO "PaymentCharge" ("orderId", status, "amountCents", currency, "updatedAt") VALUES ($1, $2, $3, 'USD', now())`, [id, o.charge, o.unitPriceCents ?? 500])
  }
  return { id, key }
}

function answer(key: string, status: number, orderId: string | null, appCode: string | null = null): CheckoutAnswer {
  return { via: 'first', key, productId: products[0]!, hot: false, replay: false, session: 0, t: 0, answeredMs: 0, status, outcome: status === 200 ? 'ok' : 'soldOut', orderId, appCode }
}

const failing = (r: InvariantReport) => r.results.filter((x) => !x.ok).map((x) => x.name)

test('consistent orders pass, and each kind of damage is caught by name', async () => {
  const initialStock = await stockSnapshot(pool)
  const [a, b, c, d] = products as [number, number, number, number]
  const paid = await order({ productId: a, status: 'PAID', charge: 'SUCCEEDED' })
  const pending = await order({ productId: a, status: 'PENDING_PAYMENT', job: true })
  const failed = await order({ productId: b, status: 'FAILED', released: true, charge: 'DECLINED' })
  const answers = [answer(paid.key, 200, paid.id), answer(pending.key, 200, pending.id), answer(pending.key, 200, pending.id), answer(failed.key, 200, failed.id)]
  answers[2]!.replay = true

  const clean = await checkInvariants(pool, { initialStock, checkouts: answers, browserOrderIds: [] }, a)
  expect(failing(clean)).toEqual([])
  expect(clean.figures).toMatchObject({ oversoldUnits: 0, lostOrders: 0, duplicateOrders: 0, soldHotUnits: 2 })

  // Damage, one kind at a time in separate products/keys so each check has its own cause.
  await order({ productId: c, status: 'PAID', takeStock: false, charge: 'SUCCEEDED' }) // sold a unit the shelf never gave
  const lostKey = `check-${randomUUID()}`
  const refused = await order({ productId: d, status: 'PENDING_PAYMENT', job: true }) // answered 409 but written
  await order({ productId: d, status: 'PENDING_PAYMENT', job: false }) // nobody will ever charge it
  await order({ productId: d, status: 'FAILED', released: false, charge: 'DECLINED' }) // failed, stock kept
  await order({ productId: b, status: 'PAID' }) // paid without a charge
  await order({ productId: b, status: 'FAILED', released: true, charge: 'SUCCEEDED' }) // charged, not delivered
  const damaged = await checkInvariants(
    pool,
    {
      initialStock,
      checkouts: [...answers, answer(lostKey, 200, randomUUID()), answer(refused.key, 409, null, 'SOLD_OUT')],
      browserOrderIds: [randomUUID()],
    },
    a,
  )
  expect(failing(damaged).sort()).toEqual(
    [
      'no oversell: initial stock (+ admin restocks) = final stock + sold, for every product',
      'every 2xx checkout answer maps to exactly one order',
      'every order page a browser reached has its order',
      'no order exists for a checkout the store refused',
      'every order is PAID, FAILED (stock released), or pending with a live payment job',
      'at most one successful charge per order, and only for PAID orders',
    ].sort(),
  )
  expect(damaged.figures.oversoldUnits).toBe(1)
  expect(damaged.figures.lostOrders).toBe(2)
  const charges = damaged.results.find((r) => r.name.startsWith('at most one'))!
  expect(charges.violations).toBe(2)
})

test("the admin's invariants: an order that missed the price edit, or restocked units nobody could buy in time, are caught", async () => {
  const e = products[4]!
  const dbNow = async () => (await pool.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0]!.now
  await order({ productId: e, status: 'PAID', charge: 'SUCCEEDED' }) // before the edit, old price
  const sentAtDb = await dbNow()
  const committedByDb = await dbNow()
  await sleep(5)
  await order({ productId: e, status: 'PAID', charge: 'SUCCEEDED', unitPriceCents: 700 }) // after it, new price
  const record = (over: Partial<AdminRecord>): AdminRecord => ({
    plan: DEFAULT_ADMIN_PLAN,
    waitingRoom: null,
    priceEdit: { productId: e, oldPriceCents: 500, newPriceCents: 700, sentAtDb, committedByDb, stockAtCommit: 5, status: 200, propagation: 'complete' },
    restock: {
      productId: products[5]!,
      units: 25,
      answeredAt: 0,
      status: 200,
      propagation: 'complete',
      buyableAfterMs: 2_600,
      acceptedCheckoutMs: 90,
      // A busy store shed the first tries: not a propagation failure.
      attempts: [{ afterMs: 0, status: 503, appCode: 'UNAVAILABLE' }, { afterMs: 2_400, status: 0, appCode: null }, { afterMs: 2_600, status: 200, appCode: null }],
    },
    errors: [],
    ...over,
  })
  const clean = await checkAdminInvariants(pool, record({}))
  expect(clean.filter((r) => !r.ok)).toEqual([])
  expect(clean).toHaveLength(3)

  await order({ productId: e, status: 'PAID', charge: 'SUCCEEDED', unitPriceCents: 500 }) // after the edit at the OLD price
  // A SOLD_OUT after the deadline: the restock had not reached the gate.
  const late = record({
    restock: { ...record({}).restock!, attempts: [{ afterMs: 2_300, status: 409, appCode: 'SOLD_OUT' }, { afterMs: 2_600, status: 200, appCode: null }] },
  })
  const damaged = await checkAdminInvariants(pool, late)
  expect(damaged.filter((r) => !r.ok).map((r) => r.name.slice(0, 40))).toEqual([
    'every order created after the price edit',
    'the restocked units were buyable within ',
  ])
  const refused = await checkAdminInvariants(pool, record({ priceEdit: null, restock: { ...record({}).restock!, status: 409 } }))
  expect(refused.filter((r) => !r.ok).map((r) => r.violations)).toEqual([2])

  // No order after the edit: a violation while units were left, "nothing to check" once sold out.
  const quiet = (stockAtCommit: number) => record({ priceEdit: { ...record({}).priceEdit!, productId: products[6]!, stockAtCommit } })
  const unexercised = await checkAdminInvariants(pool, quiet(12))
  expect(unexercised.filter((r) => !r.ok).map((r) => r.detail)).toEqual([expect.stringMatching(/12 units were left: the check proved nothing/)])
  const soldOut = await checkAdminInvariants(pool, quiet(0))
  expect(soldOut.filter((r) => !r.ok)).toEqual([])
  expect(soldOut[1]!.detail).toMatch(/sold out while the edit was in flight/)
})
