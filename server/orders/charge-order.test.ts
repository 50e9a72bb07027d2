/**
 * One payment job run, in process, against real PostgreSQL and Redis: orders are placed
 * over HTTP on the run's store (no worker runs on that database), the provider is scripted.
 */
import type { JobHelpers } from 'graphile-worker'
import { describe, expect, it } from 'vitest'
import { chargeOrder, type ChargeOrderDeps } from './charge-order'
import { fakeProvider, type FakeProvider } from '../../testing/fake-provider'
import { createPaymentTask } from './payment-job'
import { settleFailed } from './settle-order'
import { createProduct, orderRow, paymentJob, placeTestOrder, sql, stockOf } from '../../testing/test-orders'

function deps(provider: FakeProvider, overrides: Partial<ChargeOrderDeps> = {}): ChargeOrderDeps {
  return { provider, maxAttempts: 3, timeoutMs: 2_000, backoffMs: () => 5_000, now: () => new Date(), ...overrides }
}

describe('a payment job run', () => {
  it('marks the order PAID on success; running the job again charges nothing more', async () => {
    const product = await createProduct({ stock: 5 })
    const orderId = await placeTestOrder([{ productId: product, quantity: 2 }])
    const provider = fakeProvider(['SUCCEEDED'])

    expect(await chargeOrder({ orderId, attempt: 1 }, deps(provider))).toBe('paid')
    expect(await chargeOrder({ orderId, attempt: 1 }, deps(provider))).toBe('already-settled')

    expect(provider.charges).toEqual([{ orderId, amountCents: 2 * 1999, currency: 'USD' }])
    const order = await orderRow(orderId)
    expect(order).toMatchObject({ status: 'PAID', stockReleasedAt: null })
    expect(order!.paidAt).toBeInstanceOf(Date)
    expect(await stockOf(product)).toBe(3)
  })

  it('fails a declined order and puts its stock back exactly once, however many times the job runs', async () => {
    const product = await createProduct({ stock: 5 })
    const orderId = await placeTestOrder([{ productId: product, quantity: 3 }])
    expect(await stockOf(product)).toBe(2)
    const provider = fakeProvider(['DECLINED'])

    // The same job delivered four times at once (a redelivery after a crash, a sweeper re-queue…).
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => chargeOrder({ orderId, attempt: 1 }, deps(provider))))
    expect(outcomes.filter((o) => o === 'declined')).toHaveLength(1)
    expect(outcomes.filter((o) => o === 'already-settled')).toHaveLength(3)
    // …and once more afterwards.
    expect(await chargeOrder({ orderId, attempt: 1 }, deps(provider))).toBe('already-settled')

    expect(await stockOf(product)).toBe(5)
    const order = await orderRow(orderId)
    expect(order!.status).toBe('FAILED')
    expect(order!.stockReleasedAt).toBeInstanceOf(Date)
    expect(order!.failureReason).toBe('Payment declined: your card has insufficient funds. You have not been charged and the items are back in stock.')
  })

  it('releases stock once when settlements race each other directly', async () => {
    const product = await createProduct({ stock: 10 })
    const orderId = await placeTestOrder([{ productId: product, quantity: 4 }])
    const results = await Promise.all(Array.from({ length: 8 }, () => settleFailed(orderId, 'swept', 'test')))
    expect(results.filter(Boolean)).toHaveLength(1)
    expect(await stockOf(product)).toBe(10)
    const [marker] = await sql<{ released: Date }>('SELECT "stockReleasedAt" AS released FROM "Order" WHERE id = $1', [orderId])
    expect(marker!.released).toBeInstanceOf(Date)
  })

  it('schedules the next attempt with backoff after a transient error, keyed by the order', async () => {
    const product = await createProduct({ stock: 5 })
    const orderId = await placeTestOrder([{ productId: product, quantity: 1 }])
    const provider = fakeProvider(['unavailable'])
    const before = Date.now()

    expect(await chargeOrder({ orderId, attempt: 1 }, deps(provider, { backoffMs: (n) => n * 5_000 }))).toBe('retry-scheduled')

    const job = await paymentJob(orderId)
    expect(job!.payload).toEqual({ orderId, attempt: 2 })
    expect(job!.run_at.getTime()).toBeGreaterThanOrEqual(before + 5_000 - 1_000) // DB and Node clocks agree within 1 s
    expect(job!.run_at.getTime()).toBeLessThanOrEqual(Date.now() + 5_000 + 1_000)
    expect((await orderRow(orderId))!.status).toBe('PENDING_PAYMENT')
    expect(await stockOf(product)).toBe(4)
  })

  it('treats a provider that does not answer in time as transient', async () => {
    const product = await createProduct({ stock: 5 })
    const orderId = await placeTestOrder([{ productId: product, quantity: 1 }])
    const started = Date.now()
    expect(await chargeOrder({ orderId, attempt: 1 }, deps(fakeProvider(['hang']), { timeoutMs: 100 }))).toBe('retry-scheduled')
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('after the last attempt, voids the payment and fails the order with a clear reason', async () => {
    const product = await createProduct({ stock: 5 })
    const orderId = await placeTestOrder([{ productId: product, quantity: 2 }])
    const provider = fakeProvider(['timeout'], 'VOIDED')

    expect(await chargeOrder({ orderId, attempt: 3 }, deps(provider))).toBe('voided')

    expect(provider.voids).toHaveLength(1)
    expect(await stockOf(product)).toBe(5)
    expect((await orderRow(orderId))!.failureReason).toBe(
      'We could not reach the payment provider (3 attempts). You have not been charged and the items are back in stock.',
    )
  })

  it('after the last attempt, pays the order if a timed-out attempt had charged after all', async () => {
    const product = await createProduct({ stock: 5 })
    const orderId = await placeTestOrder([{ productId: product, quantity: 2 }])
    const provider = fakeProvider(['timeout'], 'SUCCEEDED')

    expect(await chargeOrder({ orderId, attempt: 3 }, deps(provider))).toBe('paid')
    expect((await orderRow(orderId))!.status).toBe('PAID')
    expect(await stockOf(product)).toBe(3)
  })

  it('drops a job whose order does not exist, without a retry', async () => {
    const orderId = crypto.randomUUID()
    const provider = fakeProvider(['SUCCEEDED'])
    expect(await chargeOrder({ orderId, attempt: 1 }, deps(provider))).toBe('dropped-missing')
    expect(provider.charges).toEqual([])
    expect(await paymentJob(orderId)).toBeNull()
  })

  it('drops a job whose payload can never be valid instead of failing it forever', async () => {
    const provider = fakeProvider(['SUCCEEDED'])
    const task = createPaymentTask(() => deps(provider))
    const helpers = { job: { id: '1' } } as unknown as JobHelpers
    await expect(Promise.resolve(task({ orderId: 'not-a-uuid' }, helpers))).resolves.toBeUndefined()
    await expect(Promise.resolve(task(null, helpers))).resolves.toBeUndefined()
    expect(provider.charges).toEqual([])
  })
})
