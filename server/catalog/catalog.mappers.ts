/** Mappers between catalog DB rows and the DTOs the UI sees. */
import type { ProductCardRow } from './catalog.repo'
import type { CategorySummary, ProductCard } from './catalog.schema'
import { productImagePath } from './product-image'

export function toProductCard(row: ProductCardRow): ProductCard {
  return { ...row, imageUrl: productImagePath(row.slug) }
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
