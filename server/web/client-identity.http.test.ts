/**
 * Who the client is, through real HTTP: spoofed forwarding headers change nothing, in both
 * trust models the store runs with.
 *  - A store with no trusted proxy (the default, what `npm start` runs): every client is its
 *    socket address.
 *  - The run's store, behind a simulated edge (BEHIND_LOCAL_EDGE: 127.0.0.1 is our proxy):
 *    the edge's X-Forwarded-For counts; a direct client (connecting from 127.0.0.2…) is its
 *    socket address whatever it sends.
 * Limits covered: adminLogin, browse, search, checkoutPerClient; plus the admin Origin check,
 * HSTS, the tRPC batch cap and idempotency keys scoped to the session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { env } from '../env'
import { createProduct, sql } from '../../testing/checkout-fixtures'
import type { PlacedOrderAnswer } from '../checkout/checkout.schema'
import { deleteKeysWithPrefix, uniqueKeyPrefix } from '../../testing/test-services'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper } from '../../testing/test-shopper'
import { currentStoreEnv, startStore, testStoreUrl, type RunningStore } from '../../testing/test-store'
import { POLICIES } from '../platform/rate-limit-policies'
import { insideOneLimitWindow } from '../../testing/limit-window'
import { MAX_TRPC_BATCH_CALLS } from '../trpc/batch-limit'

const LOGIN_LIMIT = POLICIES.adminLogin.limit
const SPOOFED = (i: number) => ({ 'x-real-ip': `198.51.100.${i}`, forwarded: `for=198.51.100.${i};proto=https`, 'x-client-ip': `198.51.100.${i}` })

/** `n` wrong passwords, each from a "new" client as far as the headers go. */
async function wrongLogins(n: number, shopperFor: (i: number) => TestShopper): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i < n; i++) {
    const s = shopperFor(i)
    statuses.push((await s.mutate('auth.login', { password: `wrong-password-${i}` })).status)
    await s.close()
  }
  return statuses
}

const refusedFromTheSixth = [...Array<number>(LOGIN_LIMIT).fill(401), ...Array<number>(12 - LOGIN_LIMIT).fill(429)]

const insideOneLoginWindow = () => insideOneLimitWindow('adminLogin', 20_000)

describe('a store with no trusted proxy (the default)', () => {
  let store: RunningStore
  const keyPrefix = uniqueKeyPrefix('test-identity')
  beforeAll(async () => {
    store = await startStore('auto', { ...currentStoreEnv({ TRUSTED_PROXY_HOPS: '0', TRUSTED_PROXY_ADDRESSES: undefined }), keyPrefix })
  })
  afterAll(async () => {
    await store.stop()
    await deleteKeysWithPrefix(env.REDIS_URL, keyPrefix)
  })

  it('twelve wrong admin passwords with twelve different X-Forwarded-For (and X-Real-IP, Forwarded) are one client: 429 from the 6th', async () => {
    await insideOneLoginWindow()
    const statuses = await wrongLogins(12, (i) => new TestShopper(store.url, SPOOFED(i), { clientAddress: `203.0.113.${i + 1}` }))
    expect(statuses).toEqual(refusedFromTheSixth)
  })

  it("the admin Origin check ignores X-Forwarded-Host and a client's X-Forwarded-Proto, and compares the scheme", async () => {
    // A login from another loopback address: the one above used 127.0.0.1's allowance.
    const admin = new TestShopper(store.url, {}, { localAddress: '127.0.0.3' })
    expect((await admin.mutate('auth.login', { password: env.TEST_ADMIN_PASSWORD })).status).toBe(200)
    const host = new URL(store.url).host
    const attempt = async (headers: Record<string, string>) => {
      const s = new TestShopper(store.url, headers, { localAddress: '127.0.0.3', clientAddress: null })
      s.setCookie('sf_admin', admin.cookie('sf_admin')!)
      const res = await s.mutate('ops.setFlag', { name: 'reviews', enabled: true })
      await s.close()
      return res.status
    }
    expect(await attempt({ origin: 'http://evil.example', 'x-forwarded-host': 'evil.example' })).toBe(403)
    expect(await attempt({ origin: `https://${host}`, 'x-forwarded-proto': 'https' })).toBe(403)
    expect(await attempt({ origin: `http://${host}:1`, 'x-forwarded-host': `${host}:1` })).toBe(403)
    expect(await attempt({ origin: 'null' })).toBe(403)
    expect(await attempt({ origin: `http://${host}` })).toBe(200)
    await admin.close()
  })

  it("sends HSTS only over HTTPS, never because a client's X-Forwarded-Proto says so", async () => {
    const res = await fetch(`${store.url}/`, { headers: { 'x-forwarded-proto': 'https' } })
    await res.arrayBuffer()
    expect(res.headers.get('strict-transport-security')).toBeNull()
    expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests')
  })
})

describe("behind our edge (the run's store trusts 127.0.0.1 as its proxy)", () => {
  const base = () => testStoreUrl()

  it('a direct client rotating X-Forwarded-For is still one client: 429 from the 6th wrong password', async () => {
    await insideOneLoginWindow()
    const statuses = await wrongLogins(12, (i) => new TestShopper(base(), SPOOFED(i), { localAddress: '127.0.0.2', clientAddress: `203.0.113.${i + 1}` }))
    expect(statuses).toEqual(refusedFromTheSixth)
  })

  it("through the edge each shopper's address has its own allowance", async () => {
    await insideOneLoginWindow()
    const a = (await wrongLogins(LOGIN_LIMIT + 1, () => new TestShopper(base(), {}, { clientAddress: '192.0.2.10' }))).at(-1)
    const b = (await wrongLogins(1, () => new TestShopper(base(), {}, { clientAddress: '192.0.2.11' })))[0]
    expect([a, b]).toEqual([429, 401])
  })

  it('believes X-Forwarded-Proto from the edge only: HSTS and an https Origin for admin changes', async () => {
    const page = async (opts: { localAddress?: string }) => {
      const s = new TestShopper(base(), { 'x-forwarded-proto': 'https' }, opts)
      const res = await s.fetch(`${base()}/cart`, { headers: s.headers() })
      await res.arrayBuffer()
      await s.close()
      return res.headers.get('strict-transport-security')
    }
    expect(await page({})).toMatch(/^max-age=\d{7,}/)
    expect(await page({ localAddress: '127.0.0.2' })).toBeNull()

    const host = new URL(base()).host
    const admin = new TestShopper(base(), { 'x-forwarded-proto': 'https', origin: `https://${host}` }, { clientAddress: '192.0.2.20' })
    expect((await admin.mutate('auth.login', { password: env.TEST_ADMIN_PASSWORD })).status).toBe(200)
    expect((await admin.mutate('ops.setFlag', { name: 'reviews', enabled: true })).status).toBe(200)
    const direct = new TestShopper(base(), { 'x-forwarded-proto': 'https', origin: `https://${host}` }, { localAddress: '127.0.0.2' })
    direct.setCookie('sf_admin', admin.cookie('sf_admin')!)
    expect((await direct.mutate('ops.setFlag', { name: 'reviews', enabled: true })).status).toBe(403)
    await direct.close()
  })
})

describe('browse and search count every public read, one call at a time, also inside a batch', () => {
  const base = () => testStoreUrl()
  let productId: number
  let slug: string
  beforeAll(async () => {
    const [row] = await sql<{ id: number; slug: string }>('SELECT id, slug FROM "Product" WHERE active AND NOT hot ORDER BY id LIMIT 1')
    productId = row!.id
    slug = row!.slug
  })

  const reads = (n: number): Array<[string, unknown?]> =>
    Array.from({ length: n }, (_, i): [string, unknown?] => [['flags.enabled', 'catalog.categories', 'catalog.stock', 'auth.me'][i % 4]!, i % 4 === 2 ? { productId } : undefined])

  /**
   * Reads in full batches until the limiter refuses one; returns how many were answered first.
   * A sliding window may let a little more than `limit` through when the reads straddle two
   * windows (the older one is weighted down), never less, and never twice as many.
   */
  async function readUntilRefused(s: TestShopper): Promise<number> {
    let answered = 0
    for (let batches = 0; batches < 2 * Math.ceil(POLICIES.browse.limit / MAX_TRPC_BATCH_CALLS); batches++) {
      const batch = await s.queryBatch(reads(MAX_TRPC_BATCH_CALLS))
      const firstRefused = batch.calls.indexOf(429)
      if (firstRefused >= 0) return answered + firstRefused
      expect(new Set(batch.calls)).toEqual(new Set([200]))
      answered += batch.calls.length
    }
    throw new Error(`never refused after ${answered} reads`)
  }

  it(`after ${POLICIES.browse.limit} reads in ${POLICIES.browse.window}, every public read of that client is refused: tRPC, /api/stock, widgets, /search`, async () => {
    const s = new TestShopper(base())
    const answered = await readUntilRefused(s)
    expect(answered).toBeGreaterThanOrEqual(POLICIES.browse.limit)
    expect(answered).toBeLessThan(2 * POLICIES.browse.limit)
    const stockRoute = await s.fetch(`${base()}/api/stock/${productId}`, { headers: s.headers() })
    await stockRoute.arrayBuffer()
    expect(stockRoute.status).toBe(429)
    expect(Number(stockRoute.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    for (const [path, input] of [
      ['catalog.product', { slug }],
      ['catalog.hotDeals', { limit: 4 }],
      ['reviews.forProduct', { productId }],
      ['recommendations.forProduct', { productId }],
      ['flags.enabled', undefined],
    ] as const) {
      const res = await s.query(path, input)
      expect([path, res.status, res.error?.appCode]).toEqual([path, 429, 'RATE_LIMITED'])
    }
    const page = await s.fetch(`${base()}/search?q=lamp`, { headers: s.headers() })
    expect(await page.text()).toContain('data-testid="search-limited"')
    // Another shopper is not affected.
    expect((await new TestShopper(base()).query('flags.enabled')).status).toBe(200)
  })

  it('a direct client rotating X-Forwarded-For shares one allowance', async () => {
    let answered = 0
    for (let i = 0; answered < 2 * POLICIES.browse.limit; i++) {
      const s = new TestShopper(base(), SPOOFED(i), { localAddress: '127.0.0.5', clientAddress: `203.0.113.${i + 1}` })
      const batch = await s.queryBatch(reads(MAX_TRPC_BATCH_CALLS))
      await s.close()
      const firstRefused = batch.calls.indexOf(429)
      if (firstRefused >= 0) {
        answered += firstRefused
        break
      }
      answered += batch.calls.length
    }
    expect(answered).toBeGreaterThanOrEqual(POLICIES.browse.limit)
    expect(answered).toBeLessThan(2 * POLICIES.browse.limit)
  })

  it(`150 uncached searches in one request: ${POLICIES.search.limit} answered, the rest 429`, async () => {
    const s = new TestShopper(base())
    await insideOneLimitWindow('search', 10_000)
    const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
    const batch = await s.queryBatch(Array.from({ length: 150 }, (_, i): [string, unknown] => ['catalog.search', { q: `uncached ${run} ${i}` }]))
    expect(batch.status).toBe(207)
    expect(batch.calls.filter((c) => c === 200)).toHaveLength(POLICIES.search.limit)
    expect(batch.calls.filter((c) => c === 429)).toHaveLength(150 - POLICIES.search.limit)
  })

  it(`a batch of more than ${MAX_TRPC_BATCH_CALLS} calls (700, as the issue sent) is refused whole, before any call runs`, async () => {
    const s = new TestShopper(base())
    const big = await s.queryBatch(Array.from({ length: 700 }, (): [string] => ['catalog.categories']))
    expect(big.status).toBe(400)
    // None of the 700 ran or counted: this client still has its whole browse allowance.
    expect(await readUntilRefused(s)).toBeGreaterThanOrEqual(POLICIES.browse.limit)
  })
})

describe('checkout: a per-client backstop behind the per-session limit', () => {
  const base = () => testStoreUrl()
  const emptyCheckout = { ...TEST_ADDRESS, lines: [] }
  const limit = POLICIES.checkoutPerClient.limit

  /** Attempts with a fresh session each time (the cookie dropped), as `shopperFor(i)` makes them. */
  async function cookieDroppingAttempts(shopperFor: (i: number) => TestShopper): Promise<Array<{ status: number; policy: unknown }>> {
    const out: Array<{ status: number; policy: unknown }> = []
    await insideOneLimitWindow('checkoutPerClient', 20_000)
    for (let i = 0; i <= limit; i++) {
      const s = shopperFor(i)
      const res = await s.mutate('checkout.placeOrder', { idempotencyKey: newIdempotencyKey(), ...emptyCheckout })
      out.push({ status: res.status, policy: (res.error?.details as { policy?: string } | null)?.policy })
      await s.close()
    }
    return out
  }

  it(`a shopper who drops the cookie on every attempt is refused after ${limit} attempts`, async () => {
    const answers = await cookieDroppingAttempts(() => new TestShopper(base(), {}, { clientAddress: '192.0.2.30' }))
    expect(answers.slice(0, limit).every((a) => a.status === 400)).toBe(true)
    expect(answers.at(-1)).toEqual({ status: 429, policy: 'checkoutPerClient' })
    const other = new TestShopper(base(), {}, { clientAddress: '192.0.2.31' })
    expect((await other.mutate('checkout.placeOrder', { idempotencyKey: newIdempotencyKey(), ...emptyCheckout })).status).toBe(400)
  })

  it('… also when it rotates X-Forwarded-For on a direct connection', async () => {
    const answers = await cookieDroppingAttempts((i) => new TestShopper(base(), SPOOFED(i % 250), { localAddress: '127.0.0.6', clientAddress: `203.0.113.${(i % 250) + 1}` }))
    expect(answers.at(-1)).toEqual({ status: 429, policy: 'checkoutPerClient' })
  })
})

describe('idempotency keys belong to the session that sent them', () => {
  it("another shopper's identical key and body place an order of their own; a replay answers the first order", async () => {
    const product = await createProduct({ stock: 10 })
    const key = newIdempotencyKey()
    const input = { idempotencyKey: key, ...TEST_ADDRESS, lines: [{ productId: product, quantity: 1 }] }
    const [a, b] = [new TestShopper(testStoreUrl()), new TestShopper(testStoreUrl())]
    const first = await a.mutate<PlacedOrderAnswer>('checkout.placeOrder', input)
    const other = await b.mutate<PlacedOrderAnswer>('checkout.placeOrder', input)
    const replay = await a.mutate<PlacedOrderAnswer>('checkout.placeOrder', input)
    expect([first.status, other.status, replay.status]).toEqual([200, 200, 200])
    expect(other.data!.orderId).not.toBe(first.data!.orderId)
    expect(replay.data!.orderId).toBe(first.data!.orderId)
    const rows = await sql<{ id: string }>('SELECT id FROM "Order" WHERE "idempotencyKey" = $1 ORDER BY "createdAt"', [key])
    expect(rows.map((r) => r.id).sort()).toEqual([first.data!.orderId, other.data!.orderId].sort())
    const [{ stock }] = (await sql<{ stock: number }>('SELECT stock FROM "Product" WHERE id = $1', [product])) as [{ stock: number }]
    expect(stock).toBe(8)
  })
})
