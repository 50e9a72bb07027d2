/**
 * Real worker processes on a database of their own (test-world.ts), orders placed over
 * HTTP through a real store:
 *  - crash: a worker is SIGKILLed while it holds payment jobs, others start; every order
 *    ends PAID or FAILED, at most one charge per order, the provider's books agree with
 *    the orders, and stock is conserved (initial = final + paid + pending);
 *  - decline: with a 100% decline rate set at runtime in Redis, every order fails and
 *    stock returns exactly to where it started, sold-out gate included.
 */
import { Redis as IORedis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { env } from '../env'
import { createPaymentWorld, waitUntil, type PaymentWorld } from '../../testing/test-world'

let world: PaymentWorld
beforeAll(async () => {
  world = await createPaymentWorld('pay')
})
afterAll(async () => {
  await world?.close()
})

type Cart = Array<{ productId: number; quantity: number }>

async function placeAll(carts: Cart[]): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < carts.length; i += 20) {
    const batch = await Promise.all(carts.slice(i, i + 20).map((cart) => world.placeOrder(cart)))
    ids.push(...batch.filter((id): id is string => id !== null))
  }
  return ids
}

async function statusCounts(orderIds: string[]): Promise<Record<string, number>> {
  const rows = await world.sql<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM "Order" WHERE id = ANY($1::uuid[]) GROUP BY status',
    [orderIds],
  )
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
}

const settled = async (orderIds: string[]) => (await statusCounts(orderIds)).PENDING_PAYMENT === undefined

/** Per product: stock now, units in PAID orders, units in PENDING orders. */
async function stockBook(productIds: number[]) {
  const rows = await world.sql<{ id: number; stock: number; paid: string; pending: string }>(
    `SELECT p.id, p.stock,
            COALESCE(SUM(l.quantity) FILTER (WHERE o.status = 'PAID'), 0) AS paid,
            COALESCE(SUM(l.quantity) FILTER (WHERE o.status = 'PENDING_PAYMENT'), 0) AS pending
       FROM "Product" p
       LEFT JOIN "OrderLine" l ON l."productId" = p.id
       LEFT JOIN "Order" o ON o.id = l."orderId"
      WHERE p.id = ANY($1::int[])
      GROUP BY p.id, p.stock`,
    [productIds],
  )
  return new Map(rows.map((r) => [r.id, { stock: r.stock, paid: Number(r.paid), pending: Number(r.pending) }]))
}

/** A flaky, slow provider and a fast sweeper, so a short test sees retries, timeouts and lock recovery. */
const CHAOS = {
  WORKER_CONCURRENCY: '8',
  PAYMENT_LATENCY_P50_MS: '60',
  PAYMENT_LATENCY_P99_MS: '600',
  PAYMENT_TIMEOUT_MS: '400',
  PAYMENT_TRANSIENT_ERROR_RATE: '0.25',
  PAYMENT_DECLINE_RATE: '0.15',
  PAYMENT_MAX_ATTEMPTS: '3',
  PAYMENT_RETRY_BASE_MS: '50',
  PAYMENT_RETRY_MAX_MS: '300',
  WORKER_JOB_LEASE_MS: '2000',
  SWEEPER_INTERVAL_MS: '500',
}

describe('payment worker, killed with SIGKILL mid-run', () => {
  it('ends every order PAID or FAILED, charges each at most once, and conserves stock', async () => {
    const initial = [40, 40, 40, 30]
    const products = [
      await world.createProduct(initial[0]!, true), // hot: single-line orders are folded
      await world.createProduct(initial[1]!),
      await world.createProduct(initial[2]!),
      await world.createProduct(initial[3]!),
    ]
    const [a, b, c, d] = products as [number, number, number, number]
    const carts: Cart[] = Array.from({ length: 120 }, (_, i) =>
      i % 3 === 0
        ? [{ productId: a, quantity: 1 + (i % 2) }]
        : i % 3 === 1
          ? [{ productId: b, quantity: 1 }, { productId: c, quantity: 1 }]
          : [{ productId: c, quantity: 1 }, { productId: d, quantity: 1 + (i % 2) }],
    )
    const orders = await placeAll(carts)
    expect(orders.length).toBeGreaterThan(60)

    // First worker: let it get going, then kill it while it holds jobs.
    const first = await world.startWorker(CHAOS)
    await waitUntil(
      async () => {
        const done = (await statusCounts(orders)).PENDING_PAYMENT ?? 0
        return done <= orders.length * 0.7
      },
      20_000,
      async () => JSON.stringify(await statusCounts(orders)),
    )
    await first.kill()
    const [held] = await world.sql<{ n: string }>('SELECT count(*) AS n FROM graphile_worker.jobs WHERE locked_by IS NOT NULL')
    expect(Number(held!.n), 'jobs the killed worker left locked').toBeGreaterThan(0)
    expect((await statusCounts(orders)).PENDING_PAYMENT ?? 0).toBeGreaterThan(0)

    // Restart: two workers on the same database; the dead pool's locks are recovered after the lease.
    const [second, third] = await Promise.all([world.startWorker(CHAOS), world.startWorker(CHAOS)])
    await waitUntil(() => settled(orders), 45_000, async () => JSON.stringify(await statusCounts(orders)))
    await Promise.all([second.stop(), third.stop()])
    expect(second.output() + third.output()).toContain('unlocked the jobs of dead worker pools')

    // Exactly one final state each.
    const counts = await statusCounts(orders)
    expect((counts.PAID ?? 0) + (counts.FAILED ?? 0)).toBe(orders.length)
    expect(counts.PAID).toBeGreaterThan(0)
    expect(counts.FAILED).toBeGreaterThan(0)

    // The provider's books agree with the orders: PAID ⇔ one SUCCEEDED charge; FAILED ⇒ none.
    const ledger = await world.sql<{ status: string; orderStatus: string; n: string; requests: string }>(
      `SELECT c.status, o.status AS "orderStatus", count(*) AS n, sum(c.requests) AS requests
         FROM "Order" o LEFT JOIN "PaymentCharge" c ON c."orderId" = o.id
        WHERE o.id = ANY($1::uuid[])
        GROUP BY c.status, o.status`,
      [orders],
    )
    const charged = ledger.filter((r) => r.status === 'SUCCEEDED')
    expect(charged.map((r) => r.orderStatus)).toEqual(['PAID'])
    expect(Number(charged[0]!.n)).toBe(counts.PAID)
    expect(ledger.filter((r) => r.orderStatus === 'PAID' && r.status !== 'SUCCEEDED')).toEqual([])
    const [perOrder] = await world.sql<{ max: number }>(
      `SELECT COALESCE(max(n), 0)::int AS max FROM (SELECT count(*) AS n FROM "PaymentCharge" WHERE "orderId" = ANY($1::uuid[]) AND status = 'SUCCEEDED' GROUP BY "orderId") x`,
      [orders],
    )
    expect(perOrder!.max).toBeLessThanOrEqual(1)
    // Idempotency was exercised: some keys were requested again (timeouts, crash) and still charged once.
    const requests = ledger.reduce((n, r) => n + Number(r.requests ?? 0), 0)
    const keys = ledger.filter((r) => r.status !== null).reduce((n, r) => n + Number(r.n), 0)
    expect(requests).toBeGreaterThan(keys)

    // Stock conservation per product: initial = final + paid + pending (pending is 0 now).
    const book = await stockBook(products)
    products.forEach((id, i) => {
      const row = book.get(id)!
      expect(row.pending).toBe(0)
      expect(row.stock + row.paid + row.pending, `product ${id}`).toBe(initial[i])
    })

    // Nothing left behind in the queue for these orders.
    const [left] = await world.sql<{ n: string }>(
      `SELECT count(*) AS n FROM graphile_worker.jobs WHERE key = ANY($1::text[])`,
      [orders],
    )
    expect(Number(left!.n)).toBe(0)
  })
})

describe('payment worker with every payment declined', () => {
  it('fails every order and returns stock exactly, sold-out gate included', async () => {
    const initial = { soldOut: 10, b: 30, c: 20 }
    const soldOut = await world.createProduct(initial.soldOut, true)
    const b = await world.createProduct(initial.b)
    const c = await world.createProduct(initial.c)
    const carts: Cart[] = [
      ...Array.from({ length: 10 }, () => [{ productId: soldOut, quantity: 1 }]),
      ...Array.from({ length: 12 }, () => [{ productId: b, quantity: 1 }, { productId: c, quantity: 1 }]),
      ...Array.from({ length: 6 }, () => [{ productId: b, quantity: 2 }]),
    ]
    const orders = await placeAll(carts)
    expect(orders).toHaveLength(carts.length)
    expect(await world.placeOrder([{ productId: soldOut, quantity: 1 }]), 'sold out before the payments fail').toBeNull()

    // The provider's settings are changed at runtime, in Redis: this worker's environment says "never decline".
    const redis = new IORedis(env.REDIS_URL)
    await redis.set(`${world.keyPrefix}payments:settings`, JSON.stringify({ declineRate: 1, transientErrorRate: 0 }))
    redis.disconnect()
    const worker = await world.startWorker({ PAYMENT_DECLINE_RATE: '0', PAYMENT_TRANSIENT_ERROR_RATE: '0', PAYMENT_LATENCY_P50_MS: '10', PAYMENT_LATENCY_P99_MS: '50' })
    await waitUntil(() => settled(orders), 30_000, async () => JSON.stringify(await statusCounts(orders)))
    await worker.stop()

    expect(await statusCounts(orders)).toEqual({ FAILED: orders.length })
    const reasons = await world.sql<{ failureReason: string; released: boolean }>(
      'SELECT "failureReason", "stockReleasedAt" IS NOT NULL AS released FROM "Order" WHERE id = ANY($1::uuid[])',
      [orders],
    )
    for (const r of reasons) {
      expect(r.released).toBe(true)
      expect(r.failureReason).toMatch(/^Payment declined: .*You have not been charged and the items are back in stock\.$/)
    }
    const charges = await world.sql<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM "PaymentCharge" WHERE "orderId" = ANY($1::uuid[]) GROUP BY status',
      [orders],
    )
    expect(charges.map((r) => [r.status, Number(r.n)])).toEqual([['DECLINED', orders.length]])

    const book = await stockBook([soldOut, b, c])
    expect(book.get(soldOut)!.stock).toBe(initial.soldOut)
    expect(book.get(b)!.stock).toBe(initial.b)
    expect(book.get(c)!.stock).toBe(initial.c)
    // The units are back on sale: the sold-out gate no longer turns buyers away.
    expect(await world.placeOrder([{ productId: soldOut, quantity: 1 }])).not.toBeNull()
  })
})
