/** Mappers between catalog DB rows and the DTOs the UI sees. */
import type { ProductRecordRow } from './catalog.repo'
import type { CategorySummary, ProductCard, ProductDetail, ProductRecord, ProductSummary } from './catalog.schema'
import { productImagePath } from './product-image'

export function toProductRecord(row: ProductRecordRow): ProductRecord {
  return { ...row, category: { slug: row.category.slug, name: row.category.name }, imageUrl: productImagePath(row.slug) }
}

export function toProductCard(r: ProductRecord): ProductCard {
  return { id: r.id, slug: r.slug, name: r.name, priceCents: r.priceCents, currency: r.currency, hot: r.hot, imageUrl: r.imageUrl }
}

export function toProductSummary(r: ProductRecord): ProductSummary {
  return { ...toProductCard(r), active: r.active }
}

export function toProductDetail(r: ProductRecord): ProductDetail {
  return { ...toProductCard(r), description: r.description, contentVersion: r.contentVersion, category: r.category }
}

export function toCategorySummary(row: {
  id: number
  slug: string
  name: string
  description: string
  _count: { products: number }
}): CategorySummary {
  return { id: row.id, slug: row.slug, name: row.name, description: row.description, productCount: row._count.products }
}
