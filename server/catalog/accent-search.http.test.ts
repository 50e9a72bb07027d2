/**
 * Search is accent-insensitive (PostgreSQL unaccent, in the index and in the query alike):
 * shoppers type "creme brulee" for "Crème Brûlée", and the other way round. Over real HTTP.
 */
import { randomBytes } from 'node:crypto'
import { Prisma } from '../generated/prisma/client'
import { describe, expect, it } from 'vitest'
import { TestShopper } from '../../testing/test-shopper'
import { testStoreUrl } from '../../testing/test-store'
import { createProduct } from '../../testing/checkout-fixtures'
import { db } from '../platform/db'
import { PRODUCT_SEARCH_VECTOR } from './catalog.repo'
import type { SearchResult } from './catalog.schema'

/** A word no seeded product has, so each search finds exactly the product made for it. */
const marker = () => `zq${randomBytes(4).toString('hex').replace(/\d/g, 'x')}`

async function search(q: string): Promise<SearchResult> {
  const res = await new TestShopper(testStoreUrl()).query<SearchResult>('catalog.search', { q })
  expect(res.status, JSON.stringify(res.error)).toBe(200)
  return res.data!
}

describe('accent-insensitive search', () => {
  it('"creme brulee" finds "Crème Brûlée"', async () => {
    const word = marker()
    const id = await createProduct({ stock: 5, name: `Crème Brûlée Torch ${word}` })
    const found = await search(`creme brulee ${word}`)
    expect(found.products.map((p) => p.id)).toEqual([id])
    expect(found.products[0]!.name).toBe(`Crème Brûlée Torch ${word}`)
  })

  it('the accented query finds the plain name too, and other scripts\' accents fold the same way', async () => {
    const word = marker()
    const plain = await createProduct({ stock: 5, name: `Creme Brulee Set ${word}` })
    const german = await createProduct({ stock: 5, name: `Müsli Schale ${word}` })
    expect((await search(`crème brûlée ${word}`)).products.map((p) => p.id)).toEqual([plain])
    expect((await search(`musli ${word}`)).products.map((p) => p.id)).toEqual([german])
  })

  it('the query uses the GIN index: its expression is the index expression', async () => {
    const plan = await db.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`
      return tx.$queryRaw<Array<{ 'QUERY PLAN': string }>>(Prisma.sql`
        EXPLAIN SELECT p.id FROM "Product" p, websearch_to_tsquery('english'::regconfig, storefront_unaccent(${'creme brulee'})) q
         WHERE ${PRODUCT_SEARCH_VECTOR} @@ q`)
    })
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('Product_search_idx')
  })
})
