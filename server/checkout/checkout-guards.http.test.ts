/**
 * What checkout refuses, and how: bad input, tampered sessions, rate limits and the
 * sold-out gate — each over real HTTP, each checked to have written nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { env } from '../env'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper } from '../../testing/test-shopper'
import { currentStoreEnv, startStore, testStoreUrl, type RunningStore } from '../../testing/test-store'
import { POLICIES } from '../platform/rate-limit-policies'
import { insideOneLimitWindow } from '../../testing/limit-window'
import type { PlacedOrderAnswer } from './checkout.schema'
import { createProduct, sql, stockAndSold } from '../../testing/checkout-fixtures'

async function shopper(base = testStoreUrl()) {
  const s = new TestShopper(base)
  await s.query('cart.get')
  return s
}

const place = (s: TestShopper, input: Record<string, unknown>) => s.mutate<PlacedOrderAnswer>('checkout.placeOrder', input)

async function ordersFor(productId: number): Promise<number> {
  const [row] = await sql<{ n: string }>(`SELECT count(*) AS n FROM "OrderLine" WHERE "productId" = $1`, [productId])
  return Number(row!.n)
}

describe('checkout refuses bad input with a clear 4xx and writes nothing', () => {
  let product: number
  beforeAll(async () => {
    product = await createProduct({ stock: 20 })
  })

  const cases: Array<[string, (p: number) => Record<string, unknown>, RegExp]> = [
    ['negative quantity', (p) => ({ lines: [{ productId: p, quantity: -1 }] }), /at least 1/],
    ['zero quantity', (p) => ({ lines: [{ productId: p, quantity: 0 }] }), /at least 1/],
    ['fractional quantity', (p) => ({ lines: [{ productId: p, quantity: 1.5 }] }), /whole number/],
    ['huge quantity', (p) => ({ lines: [{ productId: p, quantity: 1e9 }] }), /at most 10/],
    ['non-numeric quantity', (p) => ({ lines: [{ productId: p, quantity: 'two' }] }), /must be a number/],
    ['empty cart', () => ({ lines: [] }), /cart is empty/],
    ['duplicate lines', (p) => ({ lines: [{ productId: p, quantity: 1 }, { productId: p, quantity: 1 }] }), /once/],
    ['bad email', (p) => ({ lines: [{ productId: p, quantity: 1 }], email: 'not-an-email' }), /valid email/],
    ['a broken character in the name (unpaired surrogate, stored as U+FFFD before)', (p) => ({ lines: [{ productId: p, quantity: 1 }], shippingName: 'Ada \ud800' }), /Name contains a broken character/],
  ]

  for (const [name, body, message] of cases) {
    it(`${name} → 400 naming the problem`, async () => {
      const s = await shopper()
      const res = await place(s, { idempotencyKey: newIdempotencyKey(), ...TEST_ADDRESS, ...body(product) })
      expect(res.status).toBe(400)
      expect(JSON.stringify(res.error)).toMatch(message)
      expect(await ordersFor(product)).toBe(0)
    })
  }

  it('missing or malformed idempotency key → 400', async () => {
    const s = await shopper()
    for (const idempotencyKey of [undefined, 'short', 'has spaces in it!!!!!!']) {
      const res = await place(s, { idempotencyKey, ...TEST_ADDRESS, lines: [{ productId: product, quantity: 1 }] })
      expect(res.status).toBe(400)
      expect(JSON.stringify(res.error)).toMatch(/idempotencyKey/)
    }
    expect(await ordersFor(product)).toBe(0)
  })

  it('unknown product → 404 naming it; stock of the other line untouched', async () => {
    const s = await shopper()
    const res = await place(s, {
      idempotencyKey: newIdempotencyKey(),
      ...TEST_ADDRESS,
      lines: [{ productId: product, quantity: 1 }, { productId: 2_000_000_000, quantity: 1 }],
    })
    expect(res.status).toBe(404)
    expect(res.error!.message).toContain('2000000000')
    expect((await stockAndSold([product])).get(product)).toMatchObject({ stock: 20, sold: 0 })
  })

  it('oversized body → 413 before anything runs', async () => {
    const s = await shopper()
    const res = await s.mutate('checkout.placeOrder', undefined, JSON.stringify({ json: { pad: 'x'.repeat(200_000) } }))
    expect(res.status).toBe(413)
    expect(await ordersFor(product)).toBe(0)
  })

  it('a tampered session cookie → 401, cookie cleared, nothing written', async () => {
    const s = await shopper()
    const sealed = s.cookieHeader().split('=').slice(1).join('=')
    s.setCookie('sf_session', sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA'))
    const res = await place(s, { idempotencyKey: newIdempotencyKey(), ...TEST_ADDRESS, lines: [{ productId: product, quantity: 1 }] })
    expect(res.status).toBe(401)
    expect(res.error!.message).toMatch(/session cookie is not valid/)
    expect(res.headers.getSetCookie().join(';')).toMatch(/sf_session=;|Max-Age=0/i)
    expect(await ordersFor(product)).toBe(0)
  })

  it('a price change since the cart was shown → 409 with the new total, nothing written', async () => {
    const s = await shopper()
    const res = await place(s, {
      idempotencyKey: newIdempotencyKey(),
      ...TEST_ADDRESS,
      lines: [{ productId: product, quantity: 1 }],
      expectedTotalCents: 1,
    })
    expect(res.status).toBe(409)
    expect(res.error!.message).toMatch(/Prices changed.*\$19\.99/)
    expect((await stockAndSold([product])).get(product)).toMatchObject({ stock: 20, sold: 0 })
  })
})

describe('short lines are named for what they are', () => {
  it('none left is "Sold out", fewer than asked is "Only N of … left", and nothing is sold', async () => {
    const gone = await createProduct({ stock: 0, name: 'Gone Gloves' })
    const few = await createProduct({ stock: 2, name: 'Few Fish' })
    const res = await place(await shopper(), {
      idempotencyKey: newIdempotencyKey(),
      ...TEST_ADDRESS,
      lines: [{ productId: gone, quantity: 1 }, { productId: few, quantity: 5 }],
    })
    expect([res.status, res.error?.appCode]).toEqual([409, 'SOLD_OUT'])
    expect(res.error!.message).toBe('Sold out: Gone Gloves. Only 2 of Few Fish left')
    expect((await stockAndSold([gone, few])).get(few)).toMatchObject({ stock: 2, sold: 0 })
  })
})

describe('checkout rate limit', () => {
  it(`the ${POLICIES.checkout.limit + 1}th attempt in a window gets 429 with Retry-After`, async () => {
    const s = await shopper()
    const statuses: number[] = []
    let limited: Awaited<ReturnType<typeof place>> | undefined
    await insideOneLimitWindow('checkout', 20_000)
    for (let i = 0; i <= POLICIES.checkout.limit; i++) {
      const res = await place(s, { idempotencyKey: newIdempotencyKey(), ...TEST_ADDRESS, lines: [] })
      statuses.push(res.status)
      if (res.status === 429) limited = res
    }
    expect(statuses.slice(0, POLICIES.checkout.limit)).toEqual(Array(POLICIES.checkout.limit).fill(400))
    expect(statuses.at(-1)).toBe(429)
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(limited!.error!.retryAfterSeconds).toBeGreaterThanOrEqual(1)
    // Another shopper is not affected.
    const other = await shopper()
    expect((await place(other, { idempotencyKey: newIdempotencyKey(), ...TEST_ADDRESS, lines: [] })).status).toBe(400)
  })
})

describe('sold-out gate', () => {
  let isolated: RunningStore
  beforeAll(async () => {
    // A store of its own, so its query counter sees only this test's traffic.
    isolated = await startStore('auto', currentStoreEnv())
  })
  afterAll(async () => {
    await isolated.stop()
  })

  async function dbQueries(): Promise<number> {
    const res = await fetch(`${isolated.url}/api/metrics`, { headers: { authorization: `Bearer ${env.METRICS_TOKEN}` } })
    expect(res.status).toBe(200)
    const line = (await res.text()).split('\n').find((l) => l.startsWith('storefront_db_queries_total'))
    return Number(line?.split(' ')[1] ?? NaN)
  }

  it('once sold out, further checkouts are refused without a single PostgreSQL query', async () => {
    const product = await createProduct({ stock: 3, hot: true, name: 'Gated Doorbuster' })
    const buyers = await Promise.all(Array.from({ length: 3 }, () => shopper()))
    const sold = await Promise.all(buyers.map((b) => place(b, { idempotencyKey: newIdempotencyKey(), ...TEST_ADDRESS, lines: [{ productId: product, quantity: 1 }] })))
    expect(sold.map((r) => r.status)).toEqual([200, 200, 200])

    const late = await Promise.all(Array.from({ length: 30 }, () => shopper(isolated.url)))
    const before = await dbQueries()
    const refused = await Promise.all(late.map((b) => place(b, { idempotencyKey: newIdempotencyKey(), ...TEST_ADDRESS, lines: [{ productId: product, quantity: 1 }] })))
    const after = await dbQueries()
    expect(refused.map((r) => r.error?.appCode)).toEqual(Array(30).fill('SOLD_OUT'))
    expect(refused[0]!.error!.message).toContain('Gated Doorbuster')
    expect(after - before).toBe(0)
    expect((await stockAndSold([product])).get(product)).toMatchObject({ stock: 0, sold: 3 })
  })
})
