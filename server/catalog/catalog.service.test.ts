import { describe, expect, it } from 'vitest'
import { AppError } from '../platform/errors'
import { CATEGORY_PAGE_SIZE } from './catalog.schema'
import { getCategoryPage, getProductBySlug, listCategories, listHotDeals } from './catalog.service'

/** Runs against the run's own seeded database (vitest.global-setup.ts). */
describe('catalog service', () => {
  it('lists every category with its product count', async () => {
    const categories = await listCategories()
    expect(categories.length).toBeGreaterThanOrEqual(12)
    expect(categories.reduce((n, c) => n + c.productCount, 0)).toBeGreaterThan(0)
  })

  it('pages through a category without gaps or repeats, in price order', async () => {
    // The last category: other suites insert fixture products into the first one behind the cache's back.
    const category = (await listCategories()).at(-1)
    const first = await getCategoryPage(category!.slug, 1, 'price-asc')
    expect(first.category.productCount).toBe(category!.productCount)
    expect(first.products).toHaveLength(Math.min(CATEGORY_PAGE_SIZE, category!.productCount))
    const seen = new Set<number>()
    let lastPrice = -1
    for (let page = 1; page <= first.pageCount; page++) {
      const { products } = await getCategoryPage(category!.slug, page, 'price-asc')
      for (const p of products) {
        expect(seen.has(p.id)).toBe(false)
        seen.add(p.id)
        expect(p.priceCents).toBeGreaterThanOrEqual(lastPrice)
        lastPrice = p.priceCents
      }
    }
    expect(seen.size).toBe(category!.productCount)
  })

  it('answers NOT_FOUND for an unknown category or a page past the end', async () => {
    await expect(getCategoryPage('no-such-category', 1, 'popular')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const category = (await listCategories()).at(-1) // not the first: other suites insert fixtures there
    const { pageCount } = await getCategoryPage(category!.slug, 1, 'popular')
    await expect(getCategoryPage(category!.slug, pageCount + 1, 'popular')).rejects.toBeInstanceOf(AppError)
  })

  it('serves hot deals first and a product by slug with its category and content version', async () => {
    const deals = await listHotDeals(4)
    expect(deals.length).toBeGreaterThan(0)
    expect(deals.every((d) => d.hot)).toBe(true)
    const product = await getProductBySlug(deals[0]!.slug)
    expect(product).toMatchObject({ id: deals[0]!.id, hot: true, contentVersion: 1, imageUrl: `/img/p/${deals[0]!.slug}.svg` })
    expect(product.category.slug).toMatch(/^[a-z0-9-]+$/)
    await expect(getProductBySlug('missing-product-1')).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
