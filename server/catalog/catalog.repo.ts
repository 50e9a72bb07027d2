/**
 * The catalog's only Prisma user. Returns DB rows; the service maps them to DTOs and caches them.
 *
 * Which reads may go to the read replica (server/platform/read-replica.ts), by name — every
 * other function here reads the primary `db`:
 *  - findCategoriesWithCounts, findCategoryBySlug, findProductIdsInCategory (listings)
 *  - findHotProductIds, findTopProductIds (hot deals, pre-warm)
 *  - findProductIdBySlug, findProductRecords (product pages and the `product:{id}` cache fills;
 *    an edit replaces that entry from the primary's RETURNING row, and fills are set-if-newer)
 *  - searchProductIds (search)
 * Never: findStock, findContentVersion, findProductForEdit, updateProductContent (stock,
 * versions and the admin editor decide or show what must be current).
 */
import { Prisma } from '../generated/prisma/client'
import { db } from '../platform/db'
import { catalogReader } from '../platform/read-replica'
import type { ProductPatch, Sort } from './catalog.schema'

const recordSelect = {
  id: true,
  slug: true,
  name: true,
  priceCents: true,
  currency: true,
  hot: true,
  description: true,
  contentVersion: true,
  active: true,
  category: { select: { slug: true, name: true } },
} as const

export type ProductRecordRow = {
  id: number
  slug: string
  name: string
  priceCents: number
  currency: string
  hot: boolean
  description: string
  contentVersion: number
  active: boolean
  category: { slug: string; name: string }
}

const categorySelect = {
  id: true,
  slug: true,
  name: true,
  description: true,
  _count: { select: { products: { where: { active: true } } } },
} as const

export async function findCategoriesWithCounts() {
  return catalogReader().category.findMany({ orderBy: { position: 'asc' }, select: categorySelect })
}

export async function findCategoryBySlug(slug: string) {
  return catalogReader().category.findUnique({ where: { slug }, select: categorySelect })
}

const orderBy = {
  popular: [{ popularity: 'desc' }, { id: 'asc' }],
  'price-asc': [{ priceCents: 'asc' }, { id: 'asc' }],
  'price-desc': [{ priceCents: 'desc' }, { id: 'asc' }],
} as const

export async function findProductIdsInCategory(categoryId: number, sort: Sort, skip: number, take: number): Promise<number[]> {
  const rows = await catalogReader().product.findMany({
    where: { categoryId, active: true },
    orderBy: [...orderBy[sort]],
    skip,
    take,
    select: { id: true },
  })
  return rows.map((r) => r.id)
}

export async function findHotProductIds(limit: number): Promise<number[]> {
  const rows = await catalogReader().product.findMany({
    where: { hot: true, active: true },
    orderBy: [{ popularity: 'desc' }, { id: 'asc' }],
    take: limit,
    select: { id: true },
  })
  return rows.map((r) => r.id)
}

/** The most popular active products first (pre-warm order). */
export async function findTopProductIds(limit: number): Promise<number[]> {
  const rows = await catalogReader().product.findMany({
    where: { active: true },
    orderBy: [{ hot: 'desc' }, { popularity: 'desc' }, { id: 'asc' }],
    take: limit,
    select: { id: true },
  })
  return rows.map((r) => r.id)
}

export async function findProductIdBySlug(slug: string): Promise<number | null> {
  const row = await catalogReader().product.findUnique({ where: { slug }, select: { id: true } })
  return row?.id ?? null
}

/** Products by id, active or not; unknown ids are absent. */
export async function findProductRecords(ids: number[]): Promise<ProductRecordRow[]> {
  if (ids.length === 0) return []
  return catalogReader().product.findMany({ where: { id: { in: ids } }, select: recordSelect })
}

export async function findStock(id: number): Promise<{ stock: number; active: boolean } | null> {
  return db.product.findUnique({ where: { id }, select: { stock: true, active: true } })
}

export async function findContentVersion(id: number): Promise<number | null> {
  const row = await db.product.findUnique({ where: { id }, select: { contentVersion: true } })
  return row?.contentVersion ?? null
}

/**
 * A product as the /ops editor edits it: content and live stock, read from the primary
 * (`db` is never a replica), never from a cache. By id or slug; null when unknown.
 */
export async function findProductForEdit(q: number | string): Promise<(ProductRecordRow & { stock: number }) | null> {
  return db.product.findUnique({ where: typeof q === 'number' ? { id: q } : { slug: q }, select: { ...recordSelect, stock: true } })
}

/**
 * Applies a content `patch` and bumps `contentVersion` in the same UPDATE; with
 * `expectedContentVersion`, only if the row still has it. Stock is never touched here (sales
 * change it concurrently). `null` when no row matched (unknown id or a newer version).
 */
export async function updateProductContent(
  id: number,
  patch: ProductPatch,
  expectedContentVersion: number | undefined,
): Promise<ProductRecordRow | null> {
  try {
    return await db.product.update({
      where: expectedContentVersion === undefined ? { id } : { id, contentVersion: expectedContentVersion },
      data: { ...patch, contentVersion: { increment: 1 } },
      select: recordSelect,
    })
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') return null
    throw error
  }
}

/**
 * The weighted full-text vector of a product, accents stripped (`storefront_unaccent`, the
 * IMMUTABLE wrapper of PostgreSQL's unaccent). MUST stay identical to the expression of the
 * GIN index "Product_search_idx" (prisma/migrations/20261201100000_search_unaccent), or
 * PostgreSQL cannot use the index.
 */
export const PRODUCT_SEARCH_VECTOR = Prisma.sql`(setweight(to_tsvector('english'::regconfig, storefront_unaccent("name")), 'A') || setweight(to_tsvector('english'::regconfig, storefront_unaccent("description")), 'B'))`

/**
 * Active products matching `query` (web-search syntax: words, "phrases", -exclusions), best
 * first. Accent-insensitive both ways: the query goes through the same unaccent as the index,
 * so "creme brulee" finds "Crème Brûlée" and "crème" finds "Creme".
 */
export async function searchProductIds(query: string, limit: number): Promise<{ ids: number[]; total: number }> {
  const rows = await catalogReader().$queryRaw<Array<{ id: number; total: bigint }>>`
    SELECT p.id, count(*) OVER () AS total
    FROM "Product" p, websearch_to_tsquery('english'::regconfig, storefront_unaccent(${query})) q
    WHERE p.active AND ${PRODUCT_SEARCH_VECTOR} @@ q
    ORDER BY ts_rank(${PRODUCT_SEARCH_VECTOR}, q) DESC, p.popularity DESC, p.id
    LIMIT ${limit}`
  return { ids: rows.map((r) => r.id), total: Number(rows[0]?.total ?? 0) }
}
