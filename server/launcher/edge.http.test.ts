/**
 * The edge (deploy/edge/storefront.vcl in a real varnishd) in front of a real store, as a
 * shopper and an admin see it through it:
 *  - a price edit shows through the edge within PROPAGATION_DEADLINE_MS, long before the
 *    page's s-maxage (the store purges the edge by surrogate key);
 *  - an edge that does not answer the purge never fails the edit (saved, `retrying`, counted);
 *  - shopper A's cart is never served to shopper B;
 *  - rate limits count the real client behind the edge, whatever X-Forwarded-For or
 *    X-Client-IP it sends; the store believes the edge's header from the edge only;
 *  - with the store stopped, cached pages are still served and the API answers a clear 503
 *    with Retry-After (last: it stops the store).
 * Each shopper connects from a loopback address of its own (127.0.0.x): that is its address.
 */
import { Agent, fetch as undiciFetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStoreBehindEdge, type StoreBehindEdge } from '../../testing/edge-harness'
import { createProduct, sql } from '../../testing/checkout-fixtures'
import { PROPAGATION_DEADLINE_MS } from '../catalog/propagation'
import { freePort } from './port-free'
import { deleteKeysWithPrefix, uniqueKeyPrefix } from '../../testing/test-services'
import { newIdempotencyKey, TestShopper } from '../../testing/test-shopper'
import { currentStoreEnv, startStore } from '../../testing/test-store'
import { env } from '../env'
import { POLICIES } from '../platform/rate-limit-policies'
import { insideOneLimitWindow } from '../../testing/limit-window'
import { behindEdgeEnv } from './varnish-process'
import { usd } from '../../testing/expected-price'

const keyPrefix = uniqueKeyPrefix('test-edge')
let fleet: StoreBehindEdge
const agents: Agent[] = []

beforeAll(async () => {
  fleet = await startStoreBehindEdge({ ...currentStoreEnv(), keyPrefix })
}, 120_000)

afterAll(async () => {
  await fleet?.stop()
  await Promise.all(agents.map((a) => a.close()))
  await deleteKeysWithPrefix(env.REDIS_URL, keyPrefix)
})

interface Answer {
  status: number
  headers: Headers
  text: string
}

/** GETs through the edge from loopback address `from` (a client of its own). */
function clientAt(from: string) {
  const agent = new Agent({ localAddress: from })
  agents.push(agent)
  return async (path: string, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await undiciFetch(`${fleet.edge.url}${path}`, { headers, dispatcher: agent })
    return { status: res.status, headers: res.headers as unknown as Headers, text: await res.text() }
  }
}

async function slugOf(id: number): Promise<string> {
  const [row] = await sql<{ slug: string }>('SELECT slug FROM "Product" WHERE id = $1', [id])
  return row!.slug
}

/** Requests `path` until the edge answers it from its cache (X-Cache: HIT). */
async function cachedAtEdge(get: (path: string) => Promise<Answer>, path: string): Promise<Answer> {
  const seen: string[] = []
  for (let i = 0; i < 20; i++) {
    const answer = await get(path)
    expect(answer.status, path).toBe(200)
    if (answer.headers.get('x-cache') === 'HIT') return answer
    seen.push(answer.headers.get('x-cache') ?? 'none')
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${path} never came from the edge's cache: ${seen.join(', ')}`)
}

describe('a price edit through the edge', () => {
  it(`shows within ${PROPAGATION_DEADLINE_MS} ms, without waiting for s-maxage`, async () => {
    const price = 4_321
    const id = await createProduct({ stock: 20, priceCents: price, name: `Edge Kettle ${Date.now().toString(36)}` })
    const path = `/p/${await slugOf(id)}`
    const shopper = clientAt('127.0.0.41')

    // The page, and its RSC payload for client-side navigation, carry their entity tags for
    // the edge, and the edge keeps them to itself.
    for (const headers of [{}, { rsc: '1' }] as Array<Record<string, string>>) {
      const origin = await fetch(`${fleet.store.url}${path}`, { headers })
      await origin.arrayBuffer()
      expect(origin.headers.get('xkey')?.split(' ')).toContain(`product:${id}`)
    }
    const cached = await cachedAtEdge(shopper, path)
    expect(cached.text).toContain(usd(price))
    expect(cached.headers.get('xkey')).toBeNull()
    expect(cached.headers.get('cache-control')).toMatch(/s-maxage=(\d+)/)
    const sMaxAge = Number(/s-maxage=(\d+)/.exec(cached.headers.get('cache-control')!)![1])
    expect(sMaxAge * 1_000).toBeGreaterThan(PROPAGATION_DEADLINE_MS)

    const admin = new TestShopper(fleet.edge.url, { origin: fleet.edge.url }, { localAddress: '127.0.0.42', clientAddress: null })
    expect((await admin.mutate('auth.login', { password: env.TEST_ADMIN_PASSWORD })).status).toBe(200)
    const newPrice = price + 1_000
    const answer = await admin.mutate<{ propagation: string }>('catalog.updateProduct', { id, patch: { priceCents: newPrice } })
    expect(answer.status, JSON.stringify(answer.error)).toBe(200)
    expect(answer.data?.propagation).toBe('complete')
    const since = Date.now()
    await admin.close()

    let last = ''
    for (;;) {
      const page = await shopper(path)
      if (page.status === 200 && page.text.includes(usd(newPrice))) break
      last = `${page.status} X-Cache ${page.headers.get('x-cache')}, Age ${page.headers.get('age')}, ${page.text.includes(usd(price)) ? 'old price' : 'no price'}`
      if (Date.now() - since > PROPAGATION_DEADLINE_MS) throw new Error(`the edge still served ${path} without ${usd(newPrice)} after ${PROPAGATION_DEADLINE_MS} ms: ${last}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  })
})

describe('an edge that does not answer the purge', () => {
  it("never fails the admin's edit: it is saved, reported as retrying, logged and counted", async () => {
    const closedPort = await freePort()
    const store = await startStore('auto', {
      ...currentStoreEnv({ ...behindEdgeEnv('127.0.0.1'), EDGE_PURGE_URLS: `http://127.0.0.1:${closedPort}` }),
      keyPrefix,
    })
    try {
      const id = await createProduct({ stock: 5, priceCents: 1_500 })
      const admin = new TestShopper(store.url, { origin: store.url }, { localAddress: '127.0.0.50', clientAddress: null })
      expect((await admin.mutate('auth.login', { password: env.TEST_ADMIN_PASSWORD })).status).toBe(200)
      const answer = await admin.mutate<{ propagation: string; product: { priceCents: number } }>('catalog.updateProduct', { id, patch: { priceCents: 1_600 } })
      await admin.close()
      expect([answer.status, answer.data?.propagation, answer.data?.product.priceCents]).toEqual([200, 'retrying', 1_600])
      const [row] = await sql<{ priceCents: number }>('SELECT "priceCents" FROM "Product" WHERE id = $1', [id])
      expect(row!.priceCents).toBe(1_600)
      const metrics = await fetch(`${store.url}/api/metrics`, { headers: { authorization: `Bearer ${env.METRICS_TOKEN}` } })
      const text = await metrics.text()
      const failed = new RegExp(`^storefront_edge_purges_total\\{edge="127\\.0\\.0\\.1:${closedPort}",outcome="failed"\\} (\\d+)`, 'm').exec(text)
      expect(Number(failed?.[1])).toBeGreaterThanOrEqual(1)
    } finally {
      await store.stop()
    }
  })
})

describe("a shopper's calls through the edge", () => {
  it("shopper A's cart is never served to shopper B", async () => {
    const name = `Edge Lantern ${Date.now().toString(36)}`
    const id = await createProduct({ stock: 50, name })
    const a = new TestShopper(fleet.edge.url, {}, { localAddress: '127.0.0.43', clientAddress: null })
    const b = new TestShopper(fleet.edge.url, {}, { localAddress: '127.0.0.44', clientAddress: null })
    await a.query('cart.get')
    const added = await a.mutate<{ lines: Array<{ productId: number }> }>('cart.add', { productId: id, quantity: 2 })
    expect(added.status, JSON.stringify(added.error)).toBe(200)
    for (let round = 0; round < 3; round++) {
      const [mine, theirs] = [await a.query<{ lines: Array<{ productId: number }> }>('cart.get'), await b.query<{ lines: Array<{ productId: number }> }>('cart.get')]
      expect(mine.data?.lines.map((l) => l.productId)).toEqual([id])
      expect(theirs.data?.lines).toEqual([])
      expect([mine.headers.get('x-cache'), theirs.headers.get('x-cache')]).toEqual(['PASS', 'PASS'])
    }
    expect(b.cookieHeader()).not.toBe(a.cookieHeader())
    // The cart page too: B's never lists A's product.
    const cartPage = await b.fetch(`${fleet.edge.url}/cart`, { headers: b.headers() })
    expect(await cartPage.text()).not.toContain(name)
    expect(cartPage.headers.get('x-cache')).not.toBe('HIT')
    await Promise.all([a.close(), b.close()])
  })
})

describe('rate limits behind the edge count the real client', () => {
  const limit = POLICIES.adminLogin.limit
  const spoofed = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}`, 'x-client-ip': `198.51.100.${i}`, 'x-real-ip': `198.51.100.${i}`, forwarded: `for=198.51.100.${i}` })

  async function wrongLogins(base: string, n: number, localAddress: string): Promise<number[]> {
    const statuses: number[] = []
    for (let i = 0; i < n; i++) {
      const s = new TestShopper(base, spoofed(i + 1), { localAddress, clientAddress: null })
      statuses.push((await s.mutate('auth.login', { password: `wrong-${i}` })).status)
      await s.close()
    }
    return statuses
  }

  it(`a client rotating X-Forwarded-For and X-Client-IP through the edge is one client: 429 from attempt ${limit + 1}; its neighbour is not`, async () => {
    await insideOneLimitWindow('adminLogin', 20_000)
    expect(await wrongLogins(fleet.edge.url, limit + 2, '127.0.0.45')).toEqual([...Array<number>(limit).fill(401), 429, 429])
    expect(await wrongLogins(fleet.edge.url, 1, '127.0.0.46')).toEqual([401])
  })

  it("the store ignores the edge's header from anyone but the edge", async () => {
    await insideOneLimitWindow('adminLogin', 20_000)
    expect(await wrongLogins(fleet.store.url, limit + 1, '127.0.0.47')).toEqual([...Array<number>(limit).fill(401), 429])
  })
})

describe('with the store stopped', () => {
  it('the edge keeps serving cached pages, and answers the API with 503 and Retry-After', async () => {
    const name = `Edge Candle ${Date.now().toString(36)}`
    const id = await createProduct({ stock: 5, name })
    const path = `/p/${await slugOf(id)}`
    const shopper = clientAt('127.0.0.48')
    await cachedAtEdge(shopper, path)
    await cachedAtEdge(shopper, '/')

    await fleet.store.stop()
    for (const p of [path, '/', `${path}?utm_source=newsletter&gclid=abc`]) {
      const page = await shopper(p)
      expect([p, page.status]).toEqual([p, 200])
      if (p !== '/') expect(page.text).toContain(name)
    }
    const api = new TestShopper(fleet.edge.url, {}, { localAddress: '127.0.0.49', clientAddress: null })
    for (const call of [() => api.query('flags.enabled'), () => api.mutate('checkout.placeOrder', { idempotencyKey: newIdempotencyKey(), lines: [] })]) {
      const answer = await call()
      expect(answer.status).toBe(503)
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      expect(answer.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', appCode: 'UNAVAILABLE' })
      expect(answer.error?.retryAfterSeconds).toBeGreaterThanOrEqual(1)
    }
    await api.close()
  })
})
