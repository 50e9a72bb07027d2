/** The catalog's only Prisma user. Returns DB rows; the service maps them to DTOs. */
import { db } from '../platform/db'
import type { Sort } from './catalog.schema'

const cardSelect = {
  id: true,
  slug: true,
  name: true,
  priceCents: true,
  currency: true,
  hot: true,
  stock: true,
} as const

export type ProductCardRow = {
  id: number
  slug: string
  name: string
  priceCents: number
  currency: string
  hot: boolean
  stock: number
}

export async function findCategoriesWithCounts() {
  return db.category.findMany({
    orderBy: { position: 'asc' },
    select: {
      id: true,
      slug: true,
      name: true,
      description: true,
      _count: { select: { products: { where: { active: true } } } },
    },
  })
}

export async function findCategoryBySlug(slug: string) {
  return db.category.findUnique({
    where: { slug },
    select: {
      id: true,
      slug: true,
      name: true,
      description: true,
      _count: { select: { products: { where: { active: true } } } },
    },
  })
}

const orderBy = {
  popular: [{ popularity: 'desc' }, { id: 'asc' }],
  'price-asc': [{ priceCents: 'asc' }, { id: 'asc' }],
  'price-desc': [{ priceCents: 'desc' }, { id: 'asc' }],
} as const

export async function findProductsInCategory(
  categoryId: number,
  sort: Sort,
  skip: number,
  take: number,
): Promise<ProductCardRow[]> {
  return db.product.findMany({
    where: { categoryId, active: true },
    orderBy: [...orderBy[sort]],
    skip,
    take,
    select: cardSelect,
  })
}

export async function findHotProducts(limit: number): Promise<ProductCardRow[]> {
  return db.product.findMany({
    where: { hot: true, active: true },
    orderBy: [{ popularity: 'desc' }, { id: 'asc' }],
    take: limit,
    select: cardSelect,
  })
}

export async function findProductBySlug(slug: string) {
  return db.product.findFirst({
    where: { slug, active: true },
    select: {
      ...cardSelect,
      description: true,
      version: true,
      updatedAt: true,
      category: { select: { slug: true, name: true } },
    },
  })
}

export async function findProductsByIds(ids: number[]) {
  if (ids.length === 0) return []
  return db.product.findMany({ where: { id: { in: ids } }, select: { ...cardSelect, active: true } })
}
