/**
 * Catalog caching against the run's seeded database, real Redis and the real store
 * (TEST_STORE_URL): single-flight at the service, the edit/read race ending at N+1 in
 * the cache *and on the page*, summaries for the cart, stock, conflicts, search.
 */
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { testStoreUrl } from '../../testing/test-store'
import { env } from '../env'
import { cache, keys, TTL } from '../platform/cache'
import { metrics } from '../platform/metrics'
import { productRecord } from './catalog.schema'
import {
  getProduct,
  getProductSummaries,
  getStock,
  invalidateProductStock,
  searchProducts,
  updateProduct,
} from './catalog.service'
import { loadProductRecord } from './product-cache'
import { usd } from '../../testing/expected-price'

const db = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 })
afterAll(() => db.end())

/** Distinct products per test (other test files edit their own). */
async function product(offset: number): Promise<{ id: number; slug: string; priceCents: number; version: number }> {
  const { rows } = await db.query<{ id: number; slug: string; priceCents: number; version: number }>(
    `SELECT id, slug, "priceCents", "contentVersion" AS version FROM "Product" WHERE active AND NOT hot ORDER BY id OFFSET $1 LIMIT 1`,
    [offset],
  )
  return rows[0]!
}

async function dbQueries(): Promise<number> {
  return (await metrics.dbQueries.get()).values[0]?.value ?? 0
}

function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

async function pageOf(slug: string): Promise<{ status: number; version: number | null; html: string }> {
  const res = await fetch(`${testStoreUrl()}/p/${slug}`)
  const html = await res.text()
  const m = /data-content-version="(\d+)"/.exec(html)
  return { status: res.status, version: m ? Number(m[1]) : null, html }
}

describe('catalog cache', () => {
  it('100 concurrent misses for one product cost what one uncached read costs in database statements', async () => {
    const p = await product(101)
    let before = await dbQueries()
    await loadProductRecord(p.id)
    const oneRead = (await dbQueries()) - before
    expect(oneRead).toBeGreaterThanOrEqual(1)

    await cache.del(keys.product(p.id))
    before = await dbQueries()
    const results = await Promise.all(Array.from({ length: 100 }, () => getProduct(p.id)))
    expect((await dbQueries()) - before).toBe(oneRead)
    expect(new Set(results.map((r) => r.contentVersion))).toEqual(new Set([p.version]))

    before = await dbQueries()
    await getProduct(p.id)
    expect((await dbQueries()) - before).toBe(0) // served from Redis
  })

  it('race: a reader holding version N resumes after the edit to N+1; cache and page end at N+1', async () => {
    const p = await product(102)
    expect((await pageOf(p.slug)).version).toBe(p.version) // the page is rendered and cached at N
    await cache.del(keys.product(p.id))

    const loaded = deferred()
    const resume = deferred()
    const slowReader = cache.readThrough(
      keys.product(p.id),
      TTL.product,
      productRecord,
      async () => {
        const record = (await loadProductRecord(p.id))!
        loaded.resolve()
        await resume.promise
        return record
      },
      { version: (r) => r.contentVersion },
    )
    await loaded.promise // the reader holds version N…
    const newPrice = p.priceCents + 1_234
    const edited = await updateProduct(p.id, { priceCents: newPrice }) // …the edit to N+1 completes…
    expect(edited.product.contentVersion).toBe(p.version + 1)
    resume.resolve() // …and the reader tries to cache N.
    expect((await slowReader).contentVersion).toBe(p.version)

    expect((await cache.peek(keys.product(p.id), productRecord))?.version).toBe(p.version + 1)
    expect((await getProduct(p.id)).priceCents).toBe(newPrice)
    await expect
      .poll(async () => (await pageOf(p.slug)).version, { timeout: 8_000, interval: 250 })
      .toBe(p.version + 1)
    expect((await pageOf(p.slug)).html).toContain(usd(newPrice))
  })

  it('an edit from an older version is refused as a conflict; an unknown product is NOT_FOUND', async () => {
    const p = await product(103)
    await updateProduct(p.id, { name: 'Edited once' }, p.version)
    await expect(updateProduct(p.id, { name: 'Lost update' }, p.version)).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { currentContentVersion: p.version + 1 },
    })
    expect((await getProduct(p.id)).name).toBe('Edited once')
    await expect(updateProduct(999_999_999, { priceCents: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(updateProduct(p.id, {})).rejects.toMatchObject({ code: 'BAD_INPUT' })
  })

  it('gives the cart summaries by id, inactive ones marked, unknown ones absent, in one MGET once warm', async () => {
    const [a, b] = [await product(104), await product(105)]
    await updateProduct(b.id, { active: false })
    const summaries = await getProductSummaries([a.id, b.id, 999_999_998, a.id])
    expect([...summaries.keys()].sort()).toEqual([a.id, b.id].sort())
    expect(summaries.get(a.id)).toMatchObject({ id: a.id, slug: a.slug, priceCents: a.priceCents, active: true })
    expect(summaries.get(b.id)?.active).toBe(false)
    await expect(getProduct(b.id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const before = await dbQueries()
    await getProductSummaries([a.id, b.id])
    expect((await dbQueries()) - before).toBe(0)
  })

  it('stock: "Only N left" territory and sold out, fresh again right after invalidateProductStock', async () => {
    const p = await product(106)
    await db.query('UPDATE "Product" SET stock = 3 WHERE id = $1', [p.id])
    await invalidateProductStock(p.id)
    expect(await getStock(p.id)).toEqual({ productId: p.id, stock: 3, status: 'LOW_STOCK' })
    await db.query('UPDATE "Product" SET stock = 0 WHERE id = $1', [p.id])
    expect((await getStock(p.id)).status).toBe('LOW_STOCK') // still inside the ≤ 1 s entry
    await invalidateProductStock(p.id)
    expect(await getStock(p.id)).toEqual({ productId: p.id, stock: 0, status: 'SOLD_OUT' })
    await db.query('UPDATE "Product" SET stock = 500 WHERE id = $1', [p.id])
    await invalidateProductStock(p.id)
    expect((await getStock(p.id)).status).toBe('IN_STOCK')
  })

  it('search finds products by name words, normalizes the query for its cache key, and sees edits', async () => {
    const p = await product(107)
    await updateProduct(p.id, { name: 'Zyxwquartz Lantern' })
    const first = await searchProducts('  ZYXWQUARTZ   lantern ')
    expect(first.query).toBe('zyxwquartz lantern')
    expect(first.products.map((x) => x.id)).toEqual([p.id])
    const before = await dbQueries()
    expect((await searchProducts('zyxwquartz lantern')).products.map((x) => x.id)).toEqual([p.id])
    expect((await dbQueries()) - before).toBe(0)
    expect((await searchProducts('no such thing qqqzzz')).total).toBe(0)
  })
})
