import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { env } from '../server/env'
import { generateCatalog, HOT_PRODUCT_COUNT } from './seed-data'
import { createTestDatabase, type TestDatabase } from '../testing/test-services'
import { seed } from './seed'

const PRODUCTS = 1_200

describe('seed', () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase(env.DATABASE_URL, 'sf_test_seed')
  })
  afterAll(async () => {
    await database.drop()
  })

  async function snapshot() {
    const client = new pg.Client({ connectionString: database.url })
    await client.connect()
    try {
      const { rows } = await client.query<{ n: string; digest: string; hot: string; cats: string }>(`
        SELECT count(*) AS n,
               md5(string_agg(slug || '|' || name || '|' || "priceCents" || '|' || stock || '|' || hot, ',' ORDER BY slug)) AS digest,
               count(*) FILTER (WHERE hot) AS hot,
               (SELECT count(*) FROM "Category") AS cats
        FROM "Product"`)
      return rows[0]!
    } finally {
      await client.end()
    }
  }

  it('generates the same catalog every time', () => {
    const a = generateCatalog(300)
    const b = generateCatalog(300)
    expect(a).toEqual(b)
    expect(new Set(a.products.map((p) => p.slug)).size).toBe(300)
    expect(a.categories.length).toBeGreaterThanOrEqual(12)
    for (const p of a.products) {
      expect(Number.isInteger(p.priceCents)).toBe(true)
      expect(p.priceCents).toBeGreaterThan(0)
      if (p.hot) expect(p.stock).toBeGreaterThanOrEqual(50)
      if (p.hot) expect(p.stock).toBeLessThanOrEqual(200)
    }
  })

  it('creates the catalog with progress, and a second run leaves it exactly the same', async () => {
    const progress: number[] = []
    const first = await seed(database.url, { productCount: PRODUCTS, onProgress: (done) => progress.push(done) })
    expect(first.productsCreated).toBe(PRODUCTS)
    expect(progress.at(-1)).toBe(PRODUCTS)
    expect(progress.length).toBeGreaterThan(1)
    const before = await snapshot()
    expect(Number(before.n)).toBe(PRODUCTS)
    expect(Number(before.hot)).toBe(HOT_PRODUCT_COUNT)
    expect(Number(before.cats)).toBeGreaterThanOrEqual(12)

    const second = await seed(database.url, { productCount: PRODUCTS })
    expect(second.productsCreated).toBe(0)
    expect(await snapshot()).toEqual(before)
  })
})
