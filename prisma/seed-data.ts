/**
 * Deterministic catalog for local use and tests: same seed → same rows, every run.
 * @faker-js/faker with a fixed seed supplies names and copy; money is integer cents.
 */
import { Faker, en } from '@faker-js/faker'

export const SEED = 20261127
export const DEFAULT_PRODUCT_COUNT = 5_000
export const HOT_PRODUCT_COUNT = 8

export interface SeedCategory {
  slug: string
  name: string
  description: string
  position: number
}

export interface SeedProduct {
  slug: string
  name: string
  description: string
  priceCents: number
  currency: 'USD'
  stock: number
  hot: boolean
  popularity: number
  categorySlug: string
}

const CATEGORY_NAMES = [
  'Electronics',
  'Computers',
  'Home & Kitchen',
  'Toys & Games',
  'Sports & Outdoors',
  'Beauty',
  'Books',
  'Fashion',
  'Garden',
  'Automotive',
  'Pet Supplies',
  'Grocery',
  'Health',
  'Office',
] as const

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

export function generateCatalog(productCount: number = DEFAULT_PRODUCT_COUNT): {
  categories: SeedCategory[]
  products: SeedProduct[]
} {
  const faker = new Faker({ locale: [en] })
  faker.seed(SEED)

  const categories: SeedCategory[] = CATEGORY_NAMES.map((name, position) => ({
    slug: slugify(name),
    name,
    description: `${faker.company.catchPhrase()}. ${faker.commerce.productDescription()}`,
    position,
  }))

  const products: SeedProduct[] = []
  for (let i = 0; i < productCount; i++) {
    const category = categories[i % categories.length]!
    const hot = i < HOT_PRODUCT_COUNT
    const name = hot
      ? `Doorbuster ${faker.commerce.productAdjective()} ${faker.commerce.product()}`
      : faker.commerce.productName()
    products.push({
      // The index keeps slugs unique without retries, and stable across runs.
      slug: `${slugify(name)}-${i + 1}`,
      name,
      description: faker.commerce.productDescription(),
      // x.99 prices between $4.99 and $1,999.99, in cents.
      priceCents: faker.number.int({ min: 5, max: 2_000 }) * 100 - 1,
      currency: 'USD',
      stock: hot ? faker.number.int({ min: 50, max: 200 }) : faker.number.int({ min: 0, max: 500 }),
      hot,
      popularity: hot ? 1_000_000 - i : faker.number.int({ min: 0, max: 100_000 }),
      categorySlug: category.slug,
    })
  }
  return { categories, products }
}
