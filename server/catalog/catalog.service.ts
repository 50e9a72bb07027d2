/**
 * Catalog reads, all through the Redis data cache (server/platform/cache.ts). Listings
 * cache only product *ids*; cards are assembled from the per-product entries, so an edit
 * shows up in every listing as soon as `product:{id}` is rewritten. Throws AppError; knows
 * nothing about tRPC or HTTP. Writes live in update-product.ts; pre-warm (prewarm.ts) builds on this module and is imported from there.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { cache, keys, LISTINGS, TTL } from '../platform/cache'
import { AppError } from '../platform/errors'
import * as repo from './catalog.repo'
import { toCategorySummary, toProductCard, toProductDetail, toProductRecord, toProductSummary } from './catalog.mappers'
import {
  CATEGORY_PAGE_SIZE,
  categorySummary,
  LOW_STOCK_THRESHOLD,
  SEARCH_RESULTS_MAX,
  type CategoryPage,
  type CategorySummary,
  type ProductCard,
  type ProductForEdit,
  type ProductDetail,
  type ProductSummary,
  type SearchResult,
  type Sort,
  type StockStatus,
} from './catalog.schema'
import { getProductRecord, getProductRecords } from './product-cache'

export { updateProduct, invalidateProductStock } from './update-product'

const ids = z.array(z.number().int())

/** Cards for `productIds` in that order, active products only (a listing may lag an edit by one fill). */
async function cardsFor(productIds: number[]): Promise<ProductCard[]> {
  const records = await getProductRecords(productIds)
  return productIds.flatMap((id) => {
    const r = records.get(id)
    return r?.active ? [toProductCard(r)] : []
  })
}

export async function listCategories(): Promise<CategorySummary[]> {
  return cache.readThrough(keys.categories(), TTL.category, z.array(categorySummary), async () =>
    (await repo.findCategoriesWithCounts()).map(toCategorySummary),
  )
}

export async function listHotDeals(limit: number): Promise<ProductCard[]> {
  const generation = await cache.generation(LISTINGS.hotDeals)
  const hotIds = await cache.readThrough(keys.hotDeals(generation, limit), TTL.hotDeals, ids, () => repo.findHotProductIds(limit))
  return cardsFor(hotIds)
}

const categoryListing = z.object({ category: categorySummary, ids, pageCount: z.number().int() })

export async function getCategoryPage(slug: string, page: number, sort: Sort): Promise<CategoryPage> {
  const generation = await cache.generation(LISTINGS.category(slug))
  const listing = await cache.readThrough(keys.categoryPage(slug, generation, sort, page), TTL.category, categoryListing, async () => {
    const row = await repo.findCategoryBySlug(slug)
    if (!row) throw new AppError('NOT_FOUND', `No category "${slug}"`)
    const category = toCategorySummary(row)
    const pageCount = Math.max(1, Math.ceil(category.productCount / CATEGORY_PAGE_SIZE))
    if (page > pageCount) throw new AppError('NOT_FOUND', `Category "${slug}" has ${pageCount} pages`)
    const pageIds = await repo.findProductIdsInCategory(category.id, sort, (page - 1) * CATEGORY_PAGE_SIZE, CATEGORY_PAGE_SIZE)
    return { category, ids: pageIds, pageCount }
  })
  return { category: listing.category, products: await cardsFor(listing.ids), page, pageCount: listing.pageCount, sort }
}

/** One product by id (cached); inactive or unknown → NOT_FOUND. */
export async function getProduct(id: number): Promise<ProductDetail> {
  const record = await getProductRecord(id)
  if (!record.active) throw new AppError('NOT_FOUND', `Product ${id} is not available`)
  return toProductDetail(record)
}

export async function getProductBySlug(slug: string): Promise<ProductDetail> {
  const id = await cache.readThrough(keys.productSlug(slug), TTL.productSlug, z.number().int(), async () => {
    const found = await repo.findProductIdBySlug(slug)
    if (found === null) throw new AppError('NOT_FOUND', `No product "${slug}"`)
    return found
  })
  return getProduct(id)
}

/**
 * The cart's view of products: a card plus `active`, per id, from the per-product cache
 * entries (one MGET; one database query for whatever is missing). Unknown ids are absent;
 * inactive products are present with `active: false`.
 */
export async function getProductSummaries(productIds: number[]): Promise<Map<number, ProductSummary>> {
  const records = await getProductRecords(productIds)
  return new Map([...records].map(([id, r]) => [id, toProductSummary(r)]))
}

/**
 * What the /ops editor edits, by id or slug: content, `contentVersion` and live stock from
 * the primary database, never a cache (a cached copy would hand the admin a version that
 * is already gone). Inactive products included. Throws NOT_FOUND.
 */
export async function getProductForEdit(q: number | string): Promise<ProductForEdit> {
  const row = await repo.findProductForEdit(q)
  if (!row) throw new AppError('NOT_FOUND', `No product ${JSON.stringify(q)}`)
  return { ...toProductRecord(row), stock: row.stock }
}

/** Live stock for the badge: Redis-cached ≤ 1 s, never served stale. */
export async function getStock(productId: number): Promise<StockStatus> {
  const stock = await cache.readThrough(keys.stock(productId), TTL.stock, z.number().int(), async () => {
    const row = await repo.findStock(productId)
    if (!row?.active) throw new AppError('NOT_FOUND', `No product ${productId}`)
    return row.stock
  })
  const status = stock <= 0 ? 'SOLD_OUT' : stock <= LOW_STOCK_THRESHOLD ? 'LOW_STOCK' : 'IN_STOCK'
  return { productId, stock: Math.max(0, stock), status }
}

/** Lower-case, single spaces: "  Red   SHOES " and "red shoes" share one cache entry. */
export function normalizeQuery(q: string): string {
  return q.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase()
}

const searchHits = z.object({ ids, total: z.number().int() })

/** Full-text search over name and description; results cached 300 s per normalized query. */
export async function searchProducts(q: string): Promise<SearchResult> {
  const query = normalizeQuery(q)
  const hash = createHash('sha256').update(query).digest('hex').slice(0, 32)
  const generation = await cache.generation(LISTINGS.search)
  const hits = await cache.readThrough(keys.search(generation, hash), TTL.search, searchHits, () =>
    repo.searchProductIds(query, SEARCH_RESULTS_MAX),
  )
  return { query, products: await cardsFor(hits.ids), total: hits.total }
}
