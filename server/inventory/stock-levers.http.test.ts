/**
 * The admin's stock levers over real HTTP, next to concurrent sales: deltas never lose an
 * update and never go below zero (refused with the current stock), "stop selling" clamps
 * to zero whatever sales left and closes the gate; conservation checked from SQL.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper } from '../../testing/test-shopper'
import { testStoreUrl } from '../../testing/test-store'
import { env } from '../env'
import { createProduct, sql, stockAndSold } from '../../testing/checkout-fixtures'
import type { StockChangeOutput } from './inventory.schema'

let admin: TestShopper

beforeAll(async () => {
  admin = new TestShopper(testStoreUrl(), { origin: testStoreUrl() })
  expect((await admin.mutate('auth.login', { password: env.TEST_ADMIN_PASSWORD })).status).toBe(200)
})

async function shopperBuys(productId: number): Promise<number> {
  const shopper = new TestShopper(testStoreUrl())
  await shopper.query('cart.get')
  const r = await shopper.mutate('checkout.placeOrder', { idempotencyKey: newIdempotencyKey(), ...TEST_ADDRESS, lines: [{ productId, quantity: 1 }] })
  return r.status
}

const change = (productId: number, delta: number) => admin.mutate<StockChangeOutput>('inventory.changeStock', { productId, delta })

describe('stock levers', () => {
  it('+50 and −10 applied while 60 shoppers buy: no lost update, stock = initial + deltas − sold', async () => {
    const id = await createProduct({ stock: 40, hot: true })
    const buyers = Array.from({ length: 60 }, () => shopperBuys(id))
    const [plus, minus] = await Promise.all([change(id, 50), change(id, -10)])
    const statuses = await Promise.all(buyers)
    expect(plus.status, JSON.stringify(plus.error)).toBe(200)
    // −10 may meet an empty shelf if the buyers were quicker: then it is refused, never applied.
    expect([200, 409]).toContain(minus.status)
    const applied = 50 + (minus.status === 200 ? -10 : 0)
    const { stock, sold } = (await stockAndSold([id])).get(id)!
    expect(sold).toBe(statuses.filter((s) => s === 200).length)
    expect(stock + sold).toBe(40 + applied)
    expect(stock).toBeGreaterThanOrEqual(0)
  })

  it('a removal larger than the shelf is refused with the current stock in the message, and changes nothing', async () => {
    const id = await createProduct({ stock: 7 })
    const refused = await change(id, -10)
    expect(refused.status).toBe(409)
    expect(refused.error?.message).toMatch(/current stock is 7/)
    expect(refused.error?.details).toMatchObject({ currentStock: 7 })
    const [row] = await sql<{ stock: number }>('SELECT stock FROM "Product" WHERE id = $1', [id])
    expect(row!.stock).toBe(7)
    const ok = await change(id, -7)
    expect(ok.data).toMatchObject({ previousStock: 7, stock: 0, propagation: 'complete' })
  })

  it('bad deltas are a clear 400; an unknown product is a 404', async () => {
    const id = await createProduct({ stock: 5 })
    for (const [delta, message] of [
      [0, /at least one unit/],
      [1.5, /whole number/],
      [2_000_000, /adds at most 1000000/],
      ['ten', /whole number/],
    ] as const) {
      const r = await change(id, delta as number)
      expect(r.status, String(delta)).toBe(400)
      expect(JSON.stringify(r.error)).toMatch(message)
    }
    expect((await change(999_999_999, 5)).status).toBe(404)
    expect((await admin.mutate('inventory.stopSelling', { productId: 999_999_999 })).status).toBe(404)
  })

  it('stop selling while shoppers buy: stock ends at 0, nothing sold after it, units conserved', async () => {
    const id = await createProduct({ stock: 500, hot: true })
    const before = Array.from({ length: 30 }, () => shopperBuys(id))
    const stopped = await admin.mutate<StockChangeOutput>('inventory.stopSelling', { productId: id })
    expect(stopped.status, JSON.stringify(stopped.error)).toBe(200)
    await Promise.all(before)
    const after = await Promise.all(Array.from({ length: 10 }, () => shopperBuys(id)))
    expect(after.every((s) => s === 409)).toBe(true)
    const { stock, sold } = (await stockAndSold([id])).get(id)!
    expect(stock).toBe(0)
    // Units on the shelf just before the clamp + what had been sold before it = the initial 500.
    expect(stopped.data!.previousStock + sold).toBe(500)
  })

  it('the lever procedures need an admin session', async () => {
    const id = await createProduct({ stock: 5 })
    const shopper = new TestShopper(testStoreUrl(), { origin: testStoreUrl() })
    expect((await shopper.mutate('inventory.changeStock', { productId: id, delta: 5 })).status).toBe(401)
    expect((await shopper.mutate('inventory.stopSelling', { productId: id })).status).toBe(401)
  })
})
