/**
 * Checkout against the real HTTP endpoint of a running store (`next start`), real
 * PostgreSQL and real Redis. Conservation is checked from the database afterwards:
 * initial stock = final stock + units sold.
 */
import { describe, expect, it } from 'vitest'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper } from '../../testing/test-shopper'
import { testStoreUrl } from '../../testing/test-store'
import type { PlacedOrderAnswer, PlaceOrderOutput } from './checkout.schema'
import { createProduct, sql, stockAndSold } from '../../testing/checkout-fixtures'

const store = () => testStoreUrl()

async function shoppers(n: number): Promise<TestShopper[]> {
  const list = Array.from({ length: n }, () => new TestShopper(store()))
  // The first call creates each shopper's session cookie.
  await Promise.all(list.map((s) => s.query('cart.get')))
  return list
}

function order(shopper: TestShopper, lines: Array<{ productId: number; quantity: number }>, key = newIdempotencyKey()) {
  return shopper.mutate<PlacedOrderAnswer>('checkout.placeOrder', { idempotencyKey: key, ...TEST_ADDRESS, lines })
}

describe('checkout: no oversell under concurrency', () => {
  it('300 concurrent buyers of a hot SKU with stock 50: exactly 50 orders, stock 0, never negative', async () => {
    const hot = await createProduct({ stock: 50, hot: true, name: 'Doorbuster Test TV' })
    const buyers = await shoppers(300)
    const answers = await Promise.all(buyers.map((b) => order(b, [{ productId: hot, quantity: 1 }])))

    // The run's shared store checks out with the waiting room off (vitest.global-setup.ts), and
    // keeps it off through the burst: a QUEUED answer here is the operator's "off" lost.
    expect(answers.filter((a) => (a.data as PlaceOrderOutput | undefined)?.status === 'QUEUED').length, 'answers QUEUED by a waiting room set to off').toBe(0)
    const placed = answers.filter((a) => a.status === 200)
    const soldOut = answers.filter((a) => a.error?.appCode === 'SOLD_OUT')
    expect(answers.filter((a) => a.status !== 200 && a.error?.appCode !== 'SOLD_OUT').map((a) => a.error)).toEqual([])
    expect(placed).toHaveLength(50)
    expect(soldOut).toHaveLength(250)
    expect(soldOut[0]!.status).toBe(409)
    expect(soldOut[0]!.error!.message).toContain('Doorbuster Test TV')
    expect(new Set(placed.map((a) => a.data!.orderId)).size).toBe(50)

    const after = (await stockAndSold([hot])).get(hot)!
    expect(after).toEqual({ stock: 0, sold: 50, orders: 50 })
    const [jobs] = await sql<{ n: string }>(
      `SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier = 'payment.charge' AND key = ANY($1::text[])`,
      [placed.map((a) => a.data!.orderId)],
    )
    expect(Number(jobs!.n)).toBe(50) // one payment job per order, enqueued in the same transaction
  })

  it('multi-line carts mixing hot and normal SKUs: conservation holds for every product', async () => {
    const initial = { a: 30, b: 40, c: 25 }
    const a = await createProduct({ stock: initial.a, hot: true })
    const b = await createProduct({ stock: initial.b })
    const c = await createProduct({ stock: initial.c })
    const carts = [
      [{ productId: a, quantity: 1 }, { productId: b, quantity: 2 }],
      [{ productId: c, quantity: 1 }, { productId: a, quantity: 2 }],
      [{ productId: b, quantity: 1 }, { productId: c, quantity: 3 }],
      [{ productId: a, quantity: 1 }],
      [{ productId: a, quantity: 1 }, { productId: b, quantity: 1 }, { productId: c, quantity: 1 }],
    ]
    const buyers = await shoppers(200)
    const answers = await Promise.all(buyers.map((s, i) => order(s, carts[i % carts.length]!)))
    expect(answers.filter((x) => x.status !== 200 && x.error?.appCode !== 'SOLD_OUT').map((x) => x.error)).toEqual([])

    const after = await stockAndSold([a, b, c])
    for (const [id, start] of [[a, initial.a], [b, initial.b], [c, initial.c]] as const) {
      const row = after.get(id)!
      expect(row.stock).toBeGreaterThanOrEqual(0)
      expect(row.stock + row.sold).toBe(start)
    }
    // All-or-nothing: every order has exactly the lines its cart had.
    const placedIds = answers.filter((x) => x.status === 200).map((x) => x.data!.orderId)
    const lineCounts = await sql<{ n: string }>(`SELECT count(*) AS n FROM "OrderLine" WHERE "orderId" = ANY($1::uuid[]) GROUP BY "orderId"`, [placedIds])
    expect(lineCounts).toHaveLength(placedIds.length)
  })
})

describe('checkout: idempotency', () => {
  it('20 concurrent retries of one key create one order and all get the same answer', async () => {
    const product = await createProduct({ stock: 100 })
    const [shopper] = await shoppers(1)
    const key = newIdempotencyKey()
    const answers = await Promise.all(Array.from({ length: 20 }, () => order(shopper!, [{ productId: product, quantity: 2 }], key)))
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200))
    expect(new Set(answers.map((a) => JSON.stringify(a.data))).size).toBe(1)
    const rows = await sql<{ n: string }>(`SELECT count(*) AS n FROM "Order" WHERE "idempotencyKey" = $1`, [key])
    expect(Number(rows[0]!.n)).toBe(1)
    expect((await stockAndSold([product])).get(product)).toMatchObject({ stock: 98, sold: 2 })

    const different = await order(shopper!, [{ productId: product, quantity: 3 }], key)
    expect(different.status).toBe(422)
    expect(different.error!.appCode).toBe('IDEMPOTENCY_MISMATCH')
    expect((await stockAndSold([product])).get(product)).toMatchObject({ stock: 98, sold: 2 })
  })

  it('a replay after the Redis record is lost (crash between commit and reply) still gets the original answer', async () => {
    const product = await createProduct({ stock: 10 })
    const [shopper] = await shoppers(1)
    const key = newIdempotencyKey()
    const first = await order(shopper!, [{ productId: product, quantity: 1 }], key)
    expect(first.status).toBe(200)
    // Simulate the crash: the answer never reached Redis, only the pending claim did.
    const { redis, key: k } = await import('../platform/redis')
    await redis.set(k('idem', key), { state: 'pending', hash: 'x'.repeat(64) })
    await redis.del(k('idem', key))
    const again = await order(shopper!, [{ productId: product, quantity: 1 }], key)
    expect(again.status).toBe(200)
    expect(again.data).toEqual(first.data)
    expect((await stockAndSold([product])).get(product)).toMatchObject({ stock: 9, sold: 1, orders: 1 })
  })
})
