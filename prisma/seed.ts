/**
 * `npm run db:seed`: writes the deterministic catalog (prisma/seed-data.ts).
 * Idempotent: rows are keyed by slug and existing ones are left alone, so a second run
 * changes nothing (and never resets stock that a sale already took).
 */
import { env } from '../server/env'
import { generateCatalog, DEFAULT_PRODUCT_COUNT } from './seed-data'
import { createPrismaClient } from '../server/platform/db'
import { isMainModule } from './is-main'

export const SEED_BATCH_SIZE = 500

export interface SeedResult {
  categories: number
  productsCreated: number
  productsTotal: number
  ms: number
}

export async function seed(
  databaseUrl: string,
  opts: { productCount?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<SeedResult> {
  const started = performance.now()
  const { categories, products } = generateCatalog(opts.productCount ?? DEFAULT_PRODUCT_COUNT)
  const prisma = createPrismaClient(databaseUrl, 2)
  try {
    await prisma.category.createMany({ data: categories, skipDuplicates: true })
    const ids = new Map(
      (await prisma.category.findMany({ select: { id: true, slug: true } })).map((c) => [c.slug, c.id]),
    )
    let created = 0
    for (let i = 0; i < products.length; i += SEED_BATCH_SIZE) {
      const batch = products.slice(i, i + SEED_BATCH_SIZE).map(({ categorySlug, ...p }) => {
        const categoryId = ids.get(categorySlug)
        if (categoryId === undefined) throw new Error(`seed: category ${categorySlug} missing`)
        return { ...p, categoryId }
      })
      created += (await prisma.product.createMany({ data: batch, skipDuplicates: true })).count
      opts.onProgress?.(Math.min(i + SEED_BATCH_SIZE, products.length), products.length)
    }
    const productsTotal = await prisma.product.count()
    return { categories: categories.length, productsCreated: created, productsTotal, ms: performance.now() - started }
  } finally {
    await prisma.$disconnect()
  }
}

/** A one-line progress bar on a TTY, a line per 20 % otherwise (CI logs). */
export function progressPrinter(label: string): (done: number, total: number) => void {
  let lastPct = -1
  return (done, total) => {
    const pct = Math.floor((done / total) * 100)
    if (process.stdout.isTTY) {
      const bar = '#'.repeat(Math.round(pct / 4)).padEnd(25, '.')
      process.stdout.write(`\r${label} [${bar}] ${pct}% (${done}/${total})${done === total ? '\n' : ''}`)
    } else if (pct >= lastPct + 20 || done === total) {
      console.log(`${label} ${pct}% (${done}/${total})`)
      lastPct = pct
    }
  }
}

if (isMainModule(import.meta.url)) {
  const result = await seed(env.DATABASE_URL, { onProgress: progressPrinter('seeding products') })
  console.log(
    `seeded ${result.categories} categories, ${result.productsCreated} new products (${result.productsTotal} in total) in ${(result.ms / 1000).toFixed(1)} s`,
  )
}
