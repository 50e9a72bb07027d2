/** The cart over real HTTP: sessions, limits, prices from the catalog, sliding expiry. */
import { describe, expect, it } from 'vitest'
import { TestShopper } from '../../testing/test-shopper'
import { testStoreUrl } from '../../testing/test-store'
import { updateProduct } from '../catalog/catalog.service'
import { createProduct, sql } from '../../testing/checkout-fixtures'
import { redis, key } from '../platform/redis'
import { unsealData } from 'iron-session'
import { env } from '../env'
import { MAX_CART_LINES, MAX_QUANTITY_PER_LINE, type Cart } from './cart.schema'
import { addQuantity, CART_TTL_SECONDS } from './cart.store'
import { SESSION_TTL_SECONDS } from '../session/session.service'

async function sidOf(shopper: TestShopper): Promise<string> {
  const sealed = decodeURIComponent(shopper.cookieHeader().match(/sf_session=([^;]+)/)![1]!)
  const data = await unsealData<{ sid: string }>(sealed, { password: env.SESSION_SECRET! })
  return data.sid
}

describe('cart', () => {
  it('first call creates a signed httpOnly session cookie; the session and cart slide to a 1 h TTL', async () => {
    const shopper = new TestShopper(testStoreUrl())
    const first = await shopper.query<Cart>('cart.get')
    expect(first.status).toBe(200)
    const setCookie = first.headers.getSetCookie().join('\n')
    expect(setCookie).toMatch(/sf_session=/)
    expect(setCookie).toMatch(/HttpOnly/i)
    expect(setCookie).toMatch(/SameSite=Lax/i)
    expect(first.headers.get('cache-control')).toBe('private, no-store')

    const product = await createProduct({ stock: 5 })
    expect((await shopper.mutate<Cart>('cart.add', { productId: product, quantity: 2 })).status).toBe(200)
    const sid = await sidOf(shopper)
    const sessionTtl = await redis.ttl(key('session', sid))
    const cartTtl = await redis.ttl(key('cart', sid))
    expect(sessionTtl).toBeGreaterThan(SESSION_TTL_SECONDS - 60)
    expect(cartTtl).toBeGreaterThan(CART_TTL_SECONDS - 60)

    // Sliding: after the cart's TTL has run down, the next request pushes it back out.
    await redis.expire(key('cart', sid), 10)
    await shopper.query('cart.get')
    expect(await redis.ttl(key('cart', sid))).toBeGreaterThan(CART_TTL_SECONDS - 60)
  })

  it('shows catalog prices and totals in integer cents', async () => {
    const shopper = new TestShopper(testStoreUrl())
    const a = await createProduct({ stock: 5, priceCents: 1250 })
    const b = await createProduct({ stock: 5, priceCents: 999 })
    await shopper.mutate('cart.add', { productId: a, quantity: 2 })
    const res = await shopper.mutate<Cart>('cart.add', { productId: b, quantity: 1 })
    expect(res.data!.subtotalCents).toBe(2 * 1250 + 999)
    expect(res.data!.itemCount).toBe(3)
    // The catalog price changes: the cart shows the new one (prices are never stored in the cart).
    await updateProduct(a, { priceCents: 1300 })
    const after = await shopper.query<Cart>('cart.get')
    expect(after.data!.lines.find((l) => l.productId === a)?.priceCents).toBe(1300)
    expect(after.data!.subtotalCents).toBe(2 * 1300 + 999)
  })

  it('refuses quantities over the per-line maximum, unknown and inactive products, with clear messages', async () => {
    const shopper = new TestShopper(testStoreUrl())
    const product = await createProduct({ stock: 50, name: 'Limited Lamp' })
    await shopper.mutate('cart.add', { productId: product, quantity: MAX_QUANTITY_PER_LINE })
    const over = await shopper.mutate('cart.add', { productId: product, quantity: 1 })
    expect(over.status).toBe(400)
    expect(over.error!.message).toBe(`You can buy at most ${MAX_QUANTITY_PER_LINE} of Limited Lamp`)

    const unknown = await shopper.mutate('cart.add', { productId: 1_999_999_999, quantity: 1 })
    expect(unknown.status).toBe(404)

    const retired = await createProduct({ stock: 5, name: 'Retired Radio' })
    await sql('UPDATE "Product" SET active = false WHERE id = $1', [retired])
    const inactive = await shopper.mutate('cart.add', { productId: retired, quantity: 1 })
    expect(inactive.status).toBe(409)
    expect(inactive.error!.message).toContain('Retired Radio')

    const cart = await shopper.query<Cart>('cart.get')
    expect(cart.data!.lines.map((l) => [l.productId, l.quantity])).toEqual([[product, MAX_QUANTITY_PER_LINE]])
  })

  it('refuses an item priced in another currency than the cart, and never adds two currencies into one subtotal', async () => {
    const shopper = new TestShopper(testStoreUrl())
    const dollars = await createProduct({ stock: 5, priceCents: 142_999 })
    const euros = await createProduct({ stock: 5, priceCents: 2_699, currency: 'EUR', name: 'Euro Espresso' })
    await shopper.mutate('cart.add', { productId: dollars, quantity: 1 })
    const refused = await shopper.mutate('cart.add', { productId: euros, quantity: 1 })
    expect([refused.status, refused.error?.appCode]).toEqual([409, 'CONFLICT'])
    expect(refused.error!.message).toMatch(/^Euro Espresso is priced in EUR, and your cart in USD/)
    expect(refused.error!.details).toEqual({ cartCurrency: 'USD', productCurrency: 'EUR' })
    const cart = (await shopper.query<Cart>('cart.get')).data!
    expect([cart.lines.map((l) => l.productId), cart.subtotalCents, cart.currency]).toEqual([[dollars], 142_999, 'USD'])
    // Two adds racing past that check (simulated: the line written straight to the cart store):
    // both lines shown, only the cart's currency summed.
    expect(await addQuantity(await sidOf(shopper), euros, 1)).toBeGreaterThan(0)
    const mixed = (await shopper.query<Cart>('cart.get')).data!
    expect(mixed.lines.map((l) => [l.productId, l.currency])).toEqual([[dollars, 'USD'], [euros, 'EUR']])
    expect([mixed.subtotalCents, mixed.itemCount, mixed.currency]).toEqual([142_999, 1, 'USD'])
  })

  it('setQuantity and remove change only the named line', async () => {
    const shopper = new TestShopper(testStoreUrl())
    const a = await createProduct({ stock: 5 })
    const b = await createProduct({ stock: 5 })
    await shopper.mutate('cart.add', { productId: a, quantity: 1 })
    await shopper.mutate('cart.add', { productId: b, quantity: 1 })
    const set = await shopper.mutate<Cart>('cart.setQuantity', { productId: a, quantity: 4 })
    expect(set.data!.lines.map((l) => [l.productId, l.quantity])).toEqual([[a, 4], [b, 1]])
    const zero = await shopper.mutate('cart.setQuantity', { productId: a, quantity: 0 })
    expect(zero.status).toBe(400)
    const removed = await shopper.mutate<Cart>('cart.remove', { productId: a })
    expect(removed.data!.lines.map((l) => l.productId)).toEqual([b])
  })
})

describe('cart caps under concurrency (enforced atomically in Redis)', () => {
  it(`${MAX_CART_LINES + 10} concurrent add/setQuantity calls on distinct products leave exactly ${MAX_CART_LINES} lines`, async () => {
    const shopper = new TestShopper(testStoreUrl())
    await shopper.query('cart.get') // one session for every concurrent call
    const products = await Promise.all(Array.from({ length: MAX_CART_LINES + 10 }, () => createProduct({ stock: 50 })))
    // Half of them through setQuantity (the path that used to read, check, then write), half through add.
    const answers = await Promise.all(
      products.map((productId, i) => shopper.mutate<Cart>(i % 2 === 0 ? 'cart.setQuantity' : 'cart.add', { productId, quantity: 2 })),
    )
    const accepted = answers.filter((a) => a.status === 200)
    const refused = answers.filter((a) => a.status !== 200)
    expect(accepted).toHaveLength(MAX_CART_LINES)
    expect(refused.map((a) => [a.status, a.error?.message])).toEqual(
      Array(10).fill([400, `Your cart can hold at most ${MAX_CART_LINES} different items`]),
    )
    const cart = await shopper.query<Cart>('cart.get')
    expect(cart.data!.lines).toHaveLength(MAX_CART_LINES)
    expect(await redis.hlen(key('cart', await sidOf(shopper)))).toBe(MAX_CART_LINES)
    // A full cart still lets the shopper change a line it already holds.
    const change = await shopper.mutate<Cart>('cart.setQuantity', { productId: cart.data!.lines[0]!.productId, quantity: MAX_QUANTITY_PER_LINE })
    expect(change.status).toBe(200)
    expect(change.data!.lines).toHaveLength(MAX_CART_LINES)
  })

  it(`concurrent adds of one product never take its line past ${MAX_QUANTITY_PER_LINE}`, async () => {
    const shopper = new TestShopper(testStoreUrl())
    await shopper.query('cart.get')
    const product = await createProduct({ stock: 100 })
    const answers = await Promise.all(Array.from({ length: 8 }, () => shopper.mutate<Cart>('cart.add', { productId: product, quantity: 3 })))
    expect(answers.filter((a) => a.status === 200)).toHaveLength(Math.floor(MAX_QUANTITY_PER_LINE / 3))
    expect(answers.filter((a) => a.status === 400)).toHaveLength(8 - Math.floor(MAX_QUANTITY_PER_LINE / 3))
    const cart = await shopper.query<Cart>('cart.get')
    expect(cart.data!.lines.map((l) => l.quantity)).toEqual([3 * Math.floor(MAX_QUANTITY_PER_LINE / 3)])
  })
})
