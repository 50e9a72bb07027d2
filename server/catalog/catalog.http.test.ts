/**
 * The catalog over real HTTP: the run's store (TEST_STORE_URL), a second `next start` on
 * the same build, database and Redis (cross-instance coherence), and a third whose Redis
 * gateway port is dead (pages must still come from PostgreSQL).
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { currentStoreEnv, startStore, testStoreUrl, type RunningStore } from '../../testing/test-store'
import { TestShopper } from '../../testing/test-shopper'
import { env } from '../env'
import { freePort } from '../launcher/port-free'
import type { SearchResult, StockStatus, UpdateProductOutput } from './catalog.schema'
import { usd } from '../../testing/expected-price'

const db = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 })

async function product(offset: number) {
  const { rows } = await db.query<{ id: number; slug: string; priceCents: number; version: number; name: string; stock: number }>(
    `SELECT id, slug, "priceCents", "contentVersion" AS version, name, stock FROM "Product" WHERE active AND NOT hot ORDER BY id DESC OFFSET $1 LIMIT 1`,
    [offset],
  )
  return rows[0]!
}

async function page(base: string, path: string) {
  const res = await fetch(`${base}${path}`)
  const html = await res.text()
  const version = /data-content-version="(\d+)"/.exec(html)
  return { status: res.status, cacheControl: res.headers.get('cache-control') ?? '', html, version: version ? Number(version[1]) : null }
}

async function adminOn(base: string): Promise<TestShopper> {
  const admin = new TestShopper(base, { origin: base })
  const login = await admin.mutate('auth.login', { password: env.TEST_ADMIN_PASSWORD })
  expect(login.status, JSON.stringify(login.error)).toBe(200)
  return admin
}

let second: RunningStore
let redisless: RunningStore

beforeAll(async () => {
  const [p2, p3, dead] = await Promise.all([freePort(), freePort(), freePort()])
  ;[second, redisless] = await Promise.all([
    startStore(p2, currentStoreEnv()),
    startStore(p3, { ...currentStoreEnv(), gatewayPort: dead }),
  ])
}, 120_000)

afterAll(async () => {
  await Promise.all([second?.stop(), redisless?.stop()])
  await db.end()
})

describe('pages shared by every shopper', () => {
  it('carry CDN-friendly Cache-Control; unknown product or category is a 404', async () => {
    const p = await product(0)
    const [{ rows: cats }] = await Promise.all([db.query<{ slug: string }>('SELECT slug FROM "Category" ORDER BY position LIMIT 1')])
    for (const path of ['/', `/p/${p.slug}`, `/c/${cats[0]!.slug}`, `/c/${cats[0]!.slug}/price-desc/2`]) {
      const r = await page(testStoreUrl(), path)
      expect(r.status, path).toBe(200)
      expect(r.cacheControl, path).toMatch(/s-maxage=\d+/)
      expect(r.cacheControl, path).toMatch(/stale-while-revalidate=\d+/)
      expect(r.cacheControl, path).not.toMatch(/private|no-store/)
    }
    expect((await page(testStoreUrl(), '/p/no-such-product-424242')).status).toBe(404)
    expect((await page(testStoreUrl(), '/c/no-such-category')).status).toBe(404)
    expect((await page(testStoreUrl(), `/c/${cats[0]!.slug}/cheapest/1`)).status).toBe(404)
    expect((await page(testStoreUrl(), `/c/${cats[0]!.slug}/popular/9999`)).status).toBe(404)
  })
})

describe('two instances sharing Postgres and Redis', () => {
  it('an admin edit made through one instance shows on the other instance within a few seconds', async () => {
    const p = await product(1)
    const before = await Promise.all([page(testStoreUrl(), `/p/${p.slug}`), page(second.url, `/p/${p.slug}`)])
    expect(before.map((b) => b.version)).toEqual([p.version, p.version]) // both hold the page at N

    const admin = await adminOn(testStoreUrl())
    const newPrice = p.priceCents + 777
    const edit = await admin.mutate<UpdateProductOutput>('catalog.updateProduct', { id: p.id, patch: { priceCents: newPrice }, expectedContentVersion: p.version })
    expect(edit.status, JSON.stringify(edit.error)).toBe(200)
    expect(edit.data?.product.contentVersion).toBe(p.version + 1)

    await expect.poll(async () => (await page(second.url, `/p/${p.slug}`)).version, { timeout: 5_000, interval: 200 }).toBe(p.version + 1)
    expect((await page(second.url, `/p/${p.slug}`)).html).toContain(usd(newPrice))
    expect((await page(testStoreUrl(), `/p/${p.slug}`)).version).toBe(p.version + 1)
  })

  it('refuses catalog.updateProduct without an admin session', async () => {
    const p = await product(2)
    const shopper = new TestShopper(testStoreUrl(), { origin: testStoreUrl() })
    const r = await shopper.mutate('catalog.updateProduct', { id: p.id, patch: { priceCents: 1 } })
    expect(r.status).toBe(401)
    const { rows } = await db.query<{ priceCents: number }>('SELECT "priceCents" FROM "Product" WHERE id = $1', [p.id])
    expect(rows[0]?.priceCents).toBe(p.priceCents)
  })
})

describe('Redis unavailable', () => {
  it('product, category, home and search pages and the stock call are still served from Postgres', async () => {
    const p = await product(3) // never rendered anywhere yet
    const r = await page(redisless.url, `/p/${p.slug}`)
    expect(r.status).toBe(200)
    expect(r.version).toBe(p.version)
    expect(r.html).toContain(usd(p.priceCents))
    const { rows } = await db.query<{ slug: string; name: string }>('SELECT slug, name FROM "Category" ORDER BY position OFFSET 2 LIMIT 1')
    const category = await page(redisless.url, `/c/${rows[0]!.slug}/price-asc/2`)
    expect(category.status).toBe(200)
    expect(category.html).toContain(rows[0]!.name.replace('&', '&amp;'))
    expect((await page(redisless.url, '/')).status).toBe(200)
    const word = p.name.split(' ').at(-1)!.toLowerCase()
    const search = await page(redisless.url, `/search?q=${encodeURIComponent(word)}`)
    expect(search.status).toBe(200)
    expect(search.html).toContain('products match')
    const stock = await new TestShopper(redisless.url).query<StockStatus>('catalog.stock', { productId: p.id })
    expect(stock.status).toBe(200)
    expect(stock.data?.stock).toBe(p.stock)
  })
})

describe('search input', () => {
  const shopper = () => new TestShopper(testStoreUrl())

  it.each([
    ['an empty query', '   ', /type something/i],
    ['a query over 100 characters', 'a'.repeat(101), /at most 100 characters/i],
    ['a query with control characters', 'lamp\u0000\u001b[31m', /control characters/i],
  ])('rejects %s with a clear 400 message', async (_name, q, message) => {
    const r = await shopper().query<SearchResult>('catalog.search', { q })
    expect(r.status).toBe(400)
    expect(r.error?.message).toMatch(message)
  })

  it('shows the message on the search page instead of failing, and results for a good query', async () => {
    const bad = await page(testStoreUrl(), `/search?q=${encodeURIComponent('x'.repeat(150))}`)
    expect(bad.status).toBe(200)
    expect(bad.html).toMatch(/data-testid="search-error"[^>]*>Search for at most 100 characters/)
    const p = await product(4)
    const good = await shopper().query<SearchResult>('catalog.search', { q: p.name })
    expect(good.status).toBe(200)
    expect(good.data!.products.map((x) => x.id)).toContain(p.id)
  })
})
