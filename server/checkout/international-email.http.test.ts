/**
 * Good input must not be refused: an email address with an internationalized domain is
 * accepted at checkout, stored in ASCII (punycode) form, and shown back as typed.
 */
import { describe, expect, it } from 'vitest'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper } from '../../testing/test-shopper'
import { testStoreUrl } from '../../testing/test-store'
import type { OrderView } from '../orders/orders.schema'
import type { PlacedOrderAnswer } from './checkout.schema'
import { createProduct, sql, stockAndSold } from '../../testing/checkout-fixtures'

describe('checkout with an internationalized email domain', () => {
  it('user@bücher.example is accepted, stored as user@xn--bcher-kva.example, and the order page shows it as typed', async () => {
    const shopper = new TestShopper(testStoreUrl())
    await shopper.query('cart.get')
    const productId = await createProduct({ stock: 5 })
    const input = { idempotencyKey: newIdempotencyKey(), ...TEST_ADDRESS, email: 'user@bücher.example', lines: [{ productId, quantity: 1 }] }

    const placed = await shopper.mutate<PlacedOrderAnswer>('checkout.placeOrder', input)
    expect(placed.status, JSON.stringify(placed.error)).toBe(200)
    const [row] = await sql<{ email: string }>('SELECT email FROM "Order" WHERE id = $1', [placed.data!.orderId])
    expect(row!.email).toBe('user@xn--bcher-kva.example')

    const view = await shopper.query<OrderView>('orders.get', { orderId: placed.data!.orderId })
    expect(view.data!.email).toBe('user@bücher.example')

    // The punycode spelling is the same address, hence the same request: a retry with it replays the order.
    const replay = await shopper.mutate<PlacedOrderAnswer>('checkout.placeOrder', { ...input, email: 'user@xn--bcher-kva.example' })
    expect(replay.data?.orderId).toBe(placed.data!.orderId)
    expect((await stockAndSold([productId])).get(productId)).toMatchObject({ stock: 4, sold: 1, orders: 1 })
  })

  it('an address that is not one is still refused with the form message, nothing written', async () => {
    const shopper = new TestShopper(testStoreUrl())
    await shopper.query('cart.get')
    const productId = await createProduct({ stock: 5 })
    const res = await shopper.mutate('checkout.placeOrder', {
      idempotencyKey: newIdempotencyKey(),
      ...TEST_ADDRESS,
      email: 'user@bü cher.example',
      lines: [{ productId, quantity: 1 }],
    })
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.error)).toMatch(/Enter a valid email address/)
    expect((await stockAndSold([productId])).get(productId)).toMatchObject({ stock: 5, sold: 0 })
  })
})
