/**
 * Redis (sessions, carts, rate limits) down: the store still serves pages, and calls that
 * need Redis are shed fast with 503 + Retry-After and a friendly message — never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../launcher/port-free'
import { TestShopper } from '../../testing/test-shopper'
import { currentStoreEnv, startStore, type RunningStore } from '../../testing/test-store'
import { newIdempotencyKey, TEST_ADDRESS } from '../../testing/test-shopper'

describe('Redis unreachable', () => {
  let store: RunningStore
  beforeAll(async () => {
    // A gateway port nothing listens on: every Redis call fails at once.
    const deadPort = await freePort()
    store = await startStore('auto', { ...currentStoreEnv(), gatewayPort: deadPort })
  })
  afterAll(async () => {
    await store.stop()
  })

  it('cart and checkout answer 503 with Retry-After and a message a shopper can act on', async () => {
    const shopper = new TestShopper(store.url)
    const cart = await shopper.query('cart.get')
    expect(cart.status).toBe(503)
    expect(Number(cart.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(cart.error!.message).toMatch(/try again in a few seconds/)

    const order = await shopper.mutate('checkout.placeOrder', {
      idempotencyKey: newIdempotencyKey(),
      ...TEST_ADDRESS,
      lines: [{ productId: 1, quantity: 1 }],
    })
    expect([503]).toContain(order.status)
    expect(order.error!.appCode).toBe('UNAVAILABLE')
  })

  it('pages are still served (from PostgreSQL)', async () => {
    const res = await fetch(`${store.url}/`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Hot deals')
  })
})
