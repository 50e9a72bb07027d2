/**
 * The sweeper, in process, on the run's database. Orders are placed over HTTP, then put in
 * the states a dead payment leaves behind: the order is backdated past ORDER_STUCK_AFTER_MS
 * (so only this file's orders are ever "stuck"), and the job is removed, exhausted or
 * locked through graphile-worker's tables, as a crash or an operator would leave it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { fakeProvider } from '../../testing/fake-provider'
import { sweepStuckOrders } from './sweep-stuck-orders'
import { createProduct, orderRow, paymentJob, placeTestOrder, sql, stockOf } from '../../testing/test-orders'

const touched: string[] = []

async function stuckOrder(stock: number, quantity: number) {
  const product = await createProduct({ stock })
  const orderId = await placeTestOrder([{ productId: product, quantity }])
  touched.push(orderId)
  await sql(`UPDATE "Order" SET "createdAt" = now() - interval '1 hour' WHERE id = $1`, [orderId])
  return { product, orderId }
}

/** The job as the worker left it after giving up: queued an hour ago, no attempts left. */
async function exhaustJob(orderId: string) {
  await sql(
    `UPDATE graphile_worker._private_jobs SET attempts = max_attempts, created_at = now() - interval '1 hour', last_error = 'db down' WHERE key = $1`,
    [orderId],
  )
}

afterEach(async () => {
  // Later sweeps (in this file) must not see this test's orders as stuck any more.
  await sql(`UPDATE "Order" SET "createdAt" = now() WHERE id = ANY($1::uuid[])`, [touched.splice(0)])
})

describe('the stuck-order sweeper', () => {
  it('re-queues an order that lost its payment job', async () => {
    const { orderId } = await stuckOrder(5, 1)
    await sql('SELECT graphile_worker.remove_job($1)', [orderId])
    expect(await paymentJob(orderId)).toBeNull()

    const provider = fakeProvider(['SUCCEEDED'])
    const result = await sweepStuckOrders({ provider })

    expect(result.requeued).toBeGreaterThanOrEqual(1)
    expect((await paymentJob(orderId))!.payload).toEqual({ orderId, attempt: 1 })
    expect((await orderRow(orderId))!.status).toBe('PENDING_PAYMENT')
    expect(provider.voids).toEqual([])
  })

  it('voids, fails and releases an order whose job gave up', async () => {
    const { product, orderId } = await stuckOrder(5, 3)
    await exhaustJob(orderId)
    const provider = fakeProvider(['SUCCEEDED'], 'VOIDED')

    await sweepStuckOrders({ provider })

    expect(provider.voids.map((v) => v.orderId)).toContain(orderId)
    expect(await orderRow(orderId)).toMatchObject({
      status: 'FAILED',
      failureReason: 'Payment did not complete in time. You have not been charged and the items are back in stock.',
    })
    expect(await stockOf(product)).toBe(5)
    expect(await paymentJob(orderId)).toBeNull()
    // A second sweep changes nothing.
    await sweepStuckOrders({ provider })
    expect(await stockOf(product)).toBe(5)
  })

  it('pays an order whose job gave up if the provider had charged it', async () => {
    const { product, orderId } = await stuckOrder(5, 2)
    await exhaustJob(orderId)

    await sweepStuckOrders({ provider: fakeProvider(['SUCCEEDED'], 'SUCCEEDED') })

    expect((await orderRow(orderId))!.status).toBe('PAID')
    expect(await stockOf(product)).toBe(3)
  })

  it('leaves an old order alone while its job is running or was queued recently', async () => {
    const running = await stuckOrder(5, 1)
    await sql(
      `UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'pool-test-live', created_at = now() - interval '1 hour' WHERE key = $1`,
      [running.orderId],
    )
    const fresh = await stuckOrder(5, 1) // its job was just queued
    const provider = fakeProvider(['SUCCEEDED'], 'VOIDED')

    await sweepStuckOrders({ provider, livePools: ['pool-test-live'] })

    for (const { orderId, product } of [running, fresh]) {
      expect((await orderRow(orderId))!.status).toBe('PENDING_PAYMENT')
      expect(await paymentJob(orderId)).not.toBeNull()
      expect(await stockOf(product)).toBe(4)
    }
    expect(provider.voids.map((v) => v.orderId)).not.toContain(running.orderId)
    await sql(`UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL WHERE key = $1`, [running.orderId])
  })

  it("unlocks the jobs of a pool that died holding them, never a live pool's", async () => {
    const dead = await stuckOrder(5, 1)
    const live = await stuckOrder(5, 1)
    const tag = crypto.randomUUID().slice(0, 8)
    for (const [order, pool] of [[dead, `pool-dead-${tag}`], [live, `pool-live-${tag}`]] as const) {
      await sql(`UPDATE graphile_worker._private_jobs SET locked_at = now() - interval '10 minutes', locked_by = $2 WHERE key = $1`, [order.orderId, pool])
    }

    const result = await sweepStuckOrders({ provider: fakeProvider(['SUCCEEDED']), leaseMs: 60_000, livePools: [`pool-live-${tag}`] })

    expect(result.unlockedPools).toBeGreaterThanOrEqual(1)
    expect((await paymentJob(dead.orderId))!.locked_by).toBeNull()
    expect((await paymentJob(live.orderId))!.locked_by).toBe(`pool-live-${tag}`)
    await sql(`UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL WHERE key = $1`, [live.orderId])
  })

  it('deletes superseded payment jobs (keyless, out of attempts)', async () => {
    const [job] = await sql<{ id: string }>(
      `SELECT id::text FROM graphile_worker.add_job('payment.charge', json_build_object('orderId', gen_random_uuid()::text), max_attempts := 1)`,
    )
    await sql('SELECT graphile_worker.permanently_fail_jobs(ARRAY[$1::bigint])', [job!.id])

    await sweepStuckOrders({ provider: fakeProvider(['SUCCEEDED']) })

    expect(await sql('SELECT 1 FROM graphile_worker.jobs WHERE id = $1', [job!.id])).toEqual([])
  })
})
