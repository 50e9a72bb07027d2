/**
 * The ops dashboard's server side over real HTTP, on a store with a Redis key prefix of its
 * own (testing/test-ops.ts): who may call it, what the levers change for shoppers, what
 * bad input does, and that the figures it shows match the traffic the test sent.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { env } from '../env'
import { insideOneLimitWindow } from '../../testing/limit-window'
import { TestShopper } from '../../testing/test-shopper'
import { currentStoreEnv, startStore } from '../../testing/test-store'
import { waitUntil } from '../../testing/test-world'
import { appRouter } from '../trpc/root'
import type { Levers, Overview, PrewarmStatus } from './ops.schema'
import { adminClient, startOpsStores, type OpsStores } from '../../testing/test-ops'
import { freePort } from '../launcher/port-free'

const db = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 })
let world: OpsStores
let base: string
let admin: TestShopper

async function product(offset: number) {
  const { rows } = await db.query<{ id: number; slug: string; name: string; categoryId: number; version: number }>(
    `SELECT id, slug, name, "categoryId", "contentVersion" AS version FROM "Product" WHERE active AND NOT hot ORDER BY popularity DESC, id OFFSET $1 LIMIT 1`,
    [offset],
  )
  return rows[0]!
}

const levers = async () => (await admin.query<Levers>('ops.levers')).data!
const overview = async () => {
  const answer = await admin.query<Overview>('ops.overview')
  expect(answer.status, JSON.stringify(answer.error)).toBe(200)
  return answer.data!
}

beforeAll(async () => {
  world = await startOpsStores('ops', 1)
  base = world.stores[0]!.url
  admin = await adminClient(base)
}, 120_000)

afterAll(async () => {
  await world?.close()
  await db.end()
})

describe('admin only', () => {
  // At run time tRPC keeps every procedure under its dotted path here (the static type is the nested record).
  const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: 'query' | 'mutation' } }>)
  const adminOnly = procedures.filter(([path]) => path.startsWith('ops.') || path.startsWith('inventory.') || path === 'catalog.updateProduct' || path === 'auth.logout')

  it('every ops procedure (and every other admin one) answers an anonymous caller 401, with no data', async () => {
    expect(adminOnly.length).toBeGreaterThan(8)
    const anonymous = new TestShopper(base, { origin: base })
    for (const [path, procedure] of adminOnly) {
      const answer = procedure._def.type === 'query' ? await anonymous.query(path, {}) : await anonymous.mutate(path, {})
      expect([path, answer.status], JSON.stringify(answer.error)).toEqual([path, 401])
      expect(answer.data).toBeUndefined()
    }
  })

  it('public procedures stay public (the list above is not "everything answers 401")', async () => {
    const anonymous = new TestShopper(base)
    expect((await anonymous.query('flags.enabled')).status).toBe(200)
    expect((await anonymous.query('auth.me')).data).toBeNull()
  })

  it('an admin change from another origin is refused 403 and changes nothing', async () => {
    const foreign = new TestShopper(base, { origin: 'https://evil.example' })
    foreign.setCookie('sf_admin', admin.cookieHeader().match(/sf_admin=([^;]+)/)![1]!)
    const answer = await foreign.mutate('ops.setFlag', { name: 'search', enabled: false })
    expect(answer.status).toBe(403)
    expect((await levers()).flags.find((f) => f.name === 'search')!.enabled).toBe(true)
  })
})

describe('figures', () => {
  it('count exactly the requests this store served, per page route and per procedure, with latency', async () => {
    const p = await product(0)
    const shopper = new TestShopper(base)
    for (let i = 0; i < 7; i++) expect((await fetch(`${base}/p/${p.slug}`)).status).toBe(200)
    for (let i = 0; i < 5; i++) expect((await shopper.query('catalog.stock', { productId: p.id })).status).toBe(200)
    expect((await shopper.query('catalog.stock', { productId: -1 })).status).toBe(400)

    let seen: Overview | undefined
    await waitUntil(
      async () => {
        seen = await overview()
        return (seen.figures.endpoints.find((e) => e.endpoint === 'catalog.stock')?.windows['5m'].count ?? 0) >= 6
      },
      20_000,
      async () => JSON.stringify(seen?.figures.endpoints.map((e) => [e.endpoint, e.windows['5m'].count])),
    )
    const find = (name: string) => seen!.figures.endpoints.find((e) => e.endpoint === name)!.windows['5m']
    expect(find('catalog.stock')).toMatchObject({ count: 6, ok: 5, client: 1, shed: 0, server: 0 })
    expect(find('catalog.stock').p99Ms).toBeGreaterThan(0)
    expect(find('/p/[slug]').count).toBe(7)
    expect(find('/p/[slug]').p50Ms).toBeGreaterThan(0)
    expect(seen!.figures.cache['5m'].page.hits + seen!.figures.cache['5m'].page.misses).toBeGreaterThanOrEqual(7)
    expect(seen!).toMatchObject({ source: 'fleet', redis: 'up', database: 'up' })
    expect(seen!.instances).toHaveLength(1)
    expect(seen!.instances[0]).toMatchObject({ live: true, url: base })
    expect(seen!.hotSkus!.filter((s) => s.hot).length).toBeGreaterThan(0)
    expect(seen!.queue.now).not.toBeNull()
  })

  it('/api/metrics serves the same figures as Prometheus text', async () => {
    const res = await fetch(`${base}/api/metrics`, { headers: { authorization: `Bearer ${env.METRICS_TOKEN}` } })
    const text = await res.text()
    expect(text).toMatch(/storefront_requests_total\{endpoint="catalog.stock",outcome="ok"\} 5\b/)
    expect(text).toMatch(/storefront_requests_total\{endpoint="catalog.stock",outcome="client"\} 1\b/)
    expect(text).toMatch(/storefront_fleet_requests\{endpoint="\/p\/\[slug\]",window="5m",outcome="ok"\} 7\b/)
    expect(text).toMatch(/storefront_fleet_request_latency_ms\{endpoint="catalog.stock",window="5m",quantile="0.99"\} [\d.]+/)
    expect(text).toContain('nodejs_eventloop_lag_p99_seconds')
    // No worker samples the alert states here and no replica is configured: those gauges are
    // absent, not 0 (a 0 would read as "sampled just now" and keep StorefrontSaleSignalsNotSampled quiet).
    expect(text).not.toMatch(/^storefront_fleet_signals_age_seconds /m)
    expect(text).not.toMatch(/^storefront_fleet_replica_lag_seconds /m)
    expect((await fetch(`${base}/api/metrics`)).status).toBe(401)
  })
})

describe('levers', () => {
  it('turning reviews off stops the reviews query; on again brings it back; who and when are recorded', async () => {
    const p = await product(1)
    const shopper = new TestShopper(base)
    expect((await shopper.query('reviews.forProduct', { productId: p.id })).status).toBe(200)

    const off = await admin.mutate<{ enabled: boolean; changedBy: string }>('ops.setFlag', { name: 'reviews', enabled: false })
    expect(off.data).toMatchObject({ enabled: false, changedBy: 'admin' })
    expect((await shopper.query<{ reviews: boolean }>('flags.enabled')).data!.reviews).toBe(false)
    const refused = await shopper.query('reviews.forProduct', { productId: p.id })
    expect([refused.status, refused.error?.appCode]).toEqual([503, 'UNAVAILABLE'])

    await admin.mutate('ops.setFlag', { name: 'reviews', enabled: true })
    expect((await shopper.query<{ reviews: boolean }>('flags.enabled')).data!.reviews).toBe(true)
    expect((await shopper.query('reviews.forProduct', { productId: p.id })).status).toBe(200)
  })

  it('turning search off pauses the search page without running the search; on again brings results back', async () => {
    const search = async () => (await fetch(`${base}/search?q=chair`)).text()
    expect(await search()).toContain('data-testid="search-results"')
    await admin.mutate('ops.setFlag', { name: 'search', enabled: false })
    const paused = await search()
    expect(paused).toContain('Search is paused')
    expect(paused).not.toContain('data-testid="search-results"')
    await admin.mutate('ops.setFlag', { name: 'search', enabled: true })
    expect(await search()).toContain('data-testid="search-results"')
  })

  it('recommendations: best sellers of the same category, never the product itself; a failure drill makes them 500', async () => {
    const p = await product(2)
    const shopper = new TestShopper(base)
    const answer = await shopper.query<Array<{ id: number; slug: string }>>('recommendations.forProduct', { productId: p.id })
    expect(answer.status).toBe(200)
    expect(answer.data!.length).toBeGreaterThan(0)
    expect(answer.data!.map((c) => c.id)).not.toContain(p.id)
    const { rows } = await db.query<{ categoryId: number }>(`SELECT DISTINCT "categoryId" FROM "Product" WHERE id = ANY($1)`, [answer.data!.map((c) => c.id)])
    expect(rows).toEqual([{ categoryId: p.categoryId }])

    await admin.mutate('ops.setFault', { name: 'recommendationsFail', value: true })
    const failing = await shopper.query('recommendations.forProduct', { productId: p.id })
    expect(failing.status).toBe(500)
    await admin.mutate('ops.setFault', { name: 'recommendationsFail', value: false })
    expect((await shopper.query('recommendations.forProduct', { productId: p.id })).status).toBe(200)
  })

  it('bad lever values are validation errors and store nothing', async () => {
    const before = await levers()
    for (const [path, input] of [
      ['ops.setFlag', { name: 'darkMode', enabled: false }],
      ['ops.setFlag', { name: 'reviews', enabled: 'no' }],
      ['ops.setRateLimit', { policy: 'checkout', limit: 0 }],
      ['ops.setRateLimit', { policy: 'checkout', limit: 1e9 }],
      ['ops.setRateLimit', { policy: 'everything', limit: 10 }],
      ['ops.setFault', { name: 'reviewsDelayMs', value: -5 }],
      ['ops.setFault', { name: 'deleteDatabase', value: true }],
      ['ops.setPaymentSettings', { latencyP50Ms: 900, latencyP99Ms: 100 }],
      ['ops.setPaymentSettings', { declineRate: 3 }],
      ['ops.startPrewarm', { topProducts: 0 }],
    ] as const) {
      const answer = await admin.mutate(path, input)
      expect([path, answer.status]).toEqual([path, 400])
    }
    const after = await levers()
    expect(after).toEqual(before)
  })

  it('rate-limit limits and payment settings change from /ops and can be reset', async () => {
    const set = await admin.mutate<{ limit: number; changedBy: string }>('ops.setRateLimit', { policy: 'browse', limit: 1234 })
    expect(set.data).toMatchObject({ limit: 1234, changedBy: 'admin' })
    expect((await levers()).rateLimits.find((p) => p.policy === 'browse')!.limit).toBe(1234)
    await admin.mutate('ops.setRateLimit', { policy: 'browse', limit: null })
    expect((await levers()).rateLimits.find((p) => p.policy === 'browse')).toMatchObject({ limit: 600, changedBy: null })

    const slow = await admin.mutate<{ latencyP50Ms: number }>('ops.setPaymentSettings', { latencyP50Ms: 900, latencyP99Ms: 4_000 })
    expect(slow.data!.latencyP50Ms).toBe(900)
    expect((await levers()).payments).toMatchObject({ latencyP50Ms: 900, latencyP99Ms: 4_000 })
    await admin.mutate('ops.resetPaymentSettings')
    expect((await levers()).payments.latencyP50Ms).toBe(env.PAYMENT_LATENCY_P50_MS)
  })

  it('a lowered rate limit is enforced at once over HTTP: 429 with Retry-After and the policy message, never a 500', async () => {
    // The store rendered a page before any tRPC call (startStore waits on "/"), so the shared
    // limiter state was created by the page bundle: the 429 must still be recognised as one.
    expect((await admin.mutate('ops.setRateLimit', { policy: 'cart', limit: 3 })).status).toBe(200)
    try {
      const shopper = new TestShopper(base)
      const statuses: number[] = []
      let last: Awaited<ReturnType<TestShopper['query']>> | undefined
      await insideOneLimitWindow('cart', 5_000)
      for (let i = 0; i < 4; i++) {
        last = await shopper.query('cart.get')
        statuses.push(last.status)
      }
      expect(statuses).toEqual([200, 200, 200, 429])
      expect(last!.error).toMatchObject({ appCode: 'RATE_LIMITED', message: 'Too many cart changes at once.' })
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    } finally {
      await admin.mutate('ops.setRateLimit', { policy: 'cart', limit: null })
    }
  })

  it('a /search view counts once against the browse limit, however many calls the page makes', async () => {
    // The page asks for the flags and then for the results: two reads, one view.
    expect((await admin.mutate('ops.setRateLimit', { policy: 'browse', limit: 3 })).status).toBe(200)
    try {
      const shopper = new TestShopper(base)
      const views: string[] = []
      await insideOneLimitWindow('browse', 5_000)
      for (let i = 0; i < 4; i++) {
        const html = await (await shopper.fetch(`${base}/search?q=chair`, { headers: shopper.headers() })).text()
        views.push(html.includes('data-testid="search-limited"') ? 'limited' : html.includes('data-testid="search-summary"') ? 'results' : 'other')
      }
      expect(views).toEqual(['results', 'results', 'results', 'limited'])
    } finally {
      await admin.mutate('ops.setRateLimit', { policy: 'browse', limit: null })
    }
  })

  it('finds a product to edit by id or slug', async () => {
    const p = await product(3)
    expect((await admin.query<{ id: number }>('ops.findProduct', { q: String(p.id) })).data).toMatchObject({ id: p.id, slug: p.slug, contentVersion: p.version })
    expect((await admin.query<{ id: number }>('ops.findProduct', { q: p.slug })).data!.id).toBe(p.id)
    expect((await admin.query('ops.findProduct', { q: 'no-such-product-anywhere' })).status).toBe(404)
  })

  it('pre-warm runs in the background with progress, one run at a time, and reports what it warmed', async () => {
    const started = await admin.mutate<PrewarmStatus>('ops.startPrewarm', { topProducts: 5 })
    expect(started.data).toMatchObject({ state: 'running', by: 'admin', targets: [base] })
    const again = await admin.mutate('ops.startPrewarm', { topProducts: 5 })
    expect(again.status).toBe(409)
    let status: PrewarmStatus | undefined
    await waitUntil(
      async () => {
        status = (await admin.query<PrewarmStatus>('ops.prewarmStatus')).data
        return status?.state !== 'running'
      },
      60_000,
      async () => JSON.stringify(status),
    )
    expect(status).toMatchObject({ state: 'done', error: null })
    expect(status!.result!.pages).toBeGreaterThan(5)
    expect(status!.result!.pagesFailed).toBe(0)
    expect(status!.done).toBe(status!.total)
  })
})

describe('Redis down', () => {
  it('the dashboard says Redis is down and shows this instance alone; flags are at their defaults (it never read them); levers refuse changes', async () => {
    // Same secrets, so the admin's sealed cookie (no Redis needed to read it) is valid here too.
    const redisless = await startStore('auto', { ...currentStoreEnv(), keyPrefix: world.keyPrefix, gatewayPort: await freePort() })
    try {
      const admin2 = new TestShopper(redisless.url, { origin: redisless.url })
      admin2.setCookie('sf_admin', admin.cookieHeader().match(/sf_admin=([^;]+)/)![1]!)
      const p = await product(4)
      expect((await fetch(`${redisless.url}/p/${p.slug}`)).status).toBe(200)

      let seen: Overview | undefined
      await waitUntil(
        async () => {
          const answer = await admin2.query<Overview>('ops.overview')
          seen = answer.data
          return (seen?.figures.endpoints.find((e) => e.endpoint === '/p/[slug]')?.windows['5m'].count ?? 0) >= 1
        },
        20_000,
        async () => JSON.stringify(seen && { source: seen.source, redis: seen.redis, endpoints: seen.figures.endpoints.map((e) => e.endpoint) }),
      )
      expect(seen).toMatchObject({ source: 'local', redis: 'down' })
      expect(seen!.alerts.map((a) => a.id)).toContain('redis-down')
      expect(seen!.instances).toHaveLength(1)

      const levers = (await admin2.query<Levers>('ops.levers')).data!
      expect(levers.settingsSource).toBe('fallback')
      expect(levers.flags.every((f) => f.enabled === f.defaultOn)).toBe(true)
      expect((await new TestShopper(redisless.url).query<Record<string, boolean>>('flags.enabled')).data).toEqual({
        recommendations: true,
        reviews: true,
        search: true,
        stockBadge: true,
      })
      expect((await admin2.mutate('ops.setFlag', { name: 'reviews', enabled: false })).status).toBe(503)
    } finally {
      await redisless.stop()
    }
  })
})
