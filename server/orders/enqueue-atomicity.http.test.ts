/**
 * Transactional enqueue, proven through the real checkout endpoint: a failure injected
 * inside checkout's transaction after the order row is written leaves neither an order
 * nor a payment job (nor a stock decrement), and the shopper's retry then places exactly
 * one order with exactly one job.
 *
 * The fault is injected by PostgreSQL itself, so no production code carries a test hook:
 * a trigger on "Order" that raises for orders whose shipping name is this test's marker.
 *  - `after the order insert`: a plain AFTER INSERT trigger, firing right after the row is written;
 *  - `at commit`: a deferred constraint trigger, firing at COMMIT, after the lines and the
 *    payment job were written too: the last moment before the transaction would be durable.
 * Orders of other tests (other shipping names) are unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper } from '../../testing/test-shopper'
import { testStoreUrl } from '../../testing/test-store'
import type { PlacedOrderAnswer } from '../checkout/checkout.schema'
import { createProduct, sql, stockOf } from '../../testing/test-orders'

const tag = crypto.randomUUID().replace(/-/g, '').slice(0, 12)
const marker = `Fault Injection ${tag}`
const FN = `test_fault_${tag}`

const TRIGGERS = {
  'right after the order insert': `CREATE TRIGGER ${FN}_now AFTER INSERT ON "Order" FOR EACH ROW
     WHEN (NEW."shippingName" = '${marker}') EXECUTE FUNCTION ${FN}()`,
  'at commit, after the lines and the payment job': `CREATE CONSTRAINT TRIGGER ${FN}_commit AFTER INSERT ON "Order"
     DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
     WHEN (NEW."shippingName" = '${marker}') EXECUTE FUNCTION ${FN}()`,
} as const

beforeAll(async () => {
  await sql(`CREATE FUNCTION ${FN}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'injected failure inside the checkout transaction'; END $$`)
})
afterAll(async () => {
  await sql(`DROP FUNCTION IF EXISTS ${FN}() CASCADE`)
})

/** Payment jobs whose key is not an order: must always be none. */
async function orphanJobs(): Promise<number> {
  const [row] = await sql<{ n: string }>(
    `SELECT count(*) AS n FROM graphile_worker.jobs j
      WHERE j.task_identifier = 'payment.charge' AND j.key IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM "Order" o WHERE o.id::text = j.key)`,
  )
  return Number(row!.n)
}

describe.each(Object.entries(TRIGGERS))('a failure injected %s', (when, createTrigger) => {
  const triggerName = createTrigger.includes('_now') ? `${FN}_now` : `${FN}_commit`

  it.each([
    ['a single-line order (folded hot-SKU path)', 1],
    ['a multi-line order', 2],
  ])('%s leaves neither an order nor a job, and the retry places exactly one', async (_label, lineCount) => {
    const products = [await createProduct({ stock: 7, hot: lineCount === 1 }), await createProduct({ stock: 7 })].slice(0, lineCount)
    const shopper = new TestShopper(testStoreUrl())
    await shopper.query('cart.get')
    const key = newIdempotencyKey()
    const input = { idempotencyKey: key, ...TEST_ADDRESS, shippingName: marker, lines: products.map((productId) => ({ productId, quantity: 2 })) }

    await sql(createTrigger)
    let failed
    try {
      failed = await shopper.mutate<PlacedOrderAnswer>('checkout.placeOrder', input)
    } finally {
      await sql(`DROP TRIGGER ${triggerName} ON "Order"`)
    }
    expect(failed.status, `the checkout ${when} must fail`).toBe(500)

    expect(await sql('SELECT id FROM "Order" WHERE "idempotencyKey" = $1', [key])).toEqual([])
    expect(await sql('SELECT 1 FROM "OrderLine" WHERE "productId" = ANY($1::int[])', [products])).toEqual([])
    for (const p of products) expect(await stockOf(p)).toBe(7)
    expect(await orphanJobs()).toBe(0)

    // The shopper retries the same request: one order, one job, stock taken once.
    const retry = await shopper.mutate<PlacedOrderAnswer>('checkout.placeOrder', input)
    expect(retry.status).toBe(200)
    const orderId = retry.data!.orderId
    const jobs = await sql<{ key: string }>(`SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'payment.charge' AND key = $1`, [orderId])
    expect(jobs).toHaveLength(1)
    expect(await sql('SELECT id FROM "Order" WHERE "idempotencyKey" = $1', [key])).toEqual([{ id: orderId }])
    for (const p of products) expect(await stockOf(p)).toBe(5)
    expect(await orphanJobs()).toBe(0)
  })
})
