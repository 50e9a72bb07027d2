/** Catalog reads. Throws AppError; knows nothing about tRPC or HTTP. */
import { AppError } from '../platform/errors'
import * as repo from './catalog.repo'
import { toCategorySummary, toProductCard } from './catalog.mappers'
import {
  CATEGORY_PAGE_SIZE,
  type CategoryPage,
  type CategorySummary,
  type ProductCard,
  type ProductDetail,
  type Sort,
} from './catalog.schema'

export async function listCategories(): Promise<CategorySummary[]> {
  return (await repo.findCategoriesWithCounts()).map(toCategorySummary)
}

export async function listHotDeals(limit: number): Promise<ProductCard[]> {
  return (await repo.findHotProducts(limit)).map(toProductCard)
}

export async function getCategoryPage(slug: string, page: number, sort: Sort): Promise<CategoryPage> {
  const row = await repo.findCategoryBySlug(slug)
  if (!row) throw new AppError('NOT_FOUND', `No category "${slug}"`)
  const category = toCategorySummary(row)
  const pageCount = Math.max(1, Math.ceil(category.productCount / CATEGORY_PAGE_SIZE))
  if (page > pageCount) throw new AppError('NOT_FOUND', `Category "${slug}" has ${pageCount} pages`)
  const rows = await repo.findProductsInCategory(category.id, sort, (page - 1) * CATEGORY_PAGE_SIZE, CATEGORY_PAGE_SIZE)
  return { category, products: rows.map(toProductCard), page, pageCount, sort }
}

export async function getProductBySlug(slug: string): Promise<ProductDetail> {
  const row = await repo.findProductBySlug(slug)
  if (!row) throw new AppError('NOT_FOUND', `No product "${slug}"`)
  return { ...toProductCard(row), description: row.description, version: row.version, updatedAt: row.updatedAt, category: row.category }
}

/** Cards for the given ids (any order), with `active`; unknown ids are simply absent. */
export async function getProductSummaries(ids: number[]): Promise<Map<number, ProductCard & { active: boolean }>> {
  const rows = await repo.findProductsByIds([...new Set(ids)])
  return new Map(rows.map((r) => [r.id, { ...toProductCard(r), active: r.active }]))
}
