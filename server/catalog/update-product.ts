/**
 * Mid-sale edits, race-free, in this order:
 *  1. one UPDATE changes the row and bumps `version` (optionally only from `expectedVersion`);
 *  2. the new row is written to `product:{id}` *if newer* (Lua compare on version), so a
 *     reader still holding the old row can never put it back;
 *  3. listings whose order or membership changed get a new generation, the stock entry is
 *     dropped, and the page tags are published to every instance (server/platform/tag-log.ts).
 */
import { cache, keys, LISTINGS, TAGS } from '../platform/cache'
import { AppError } from '../platform/errors'
import { logger } from '../platform/logger'
import { publishInvalidation } from '../platform/tag-log'
import * as repo from './catalog.repo'
import { toProductDetail, toProductRecord } from './catalog.mappers'
import { productPatch, type ProductDetail, type ProductPatch } from './catalog.schema'
import { cacheProductRecord } from './product-cache'

const log = logger.child({ module: 'catalog' })

export async function updateProduct(id: number, patch: ProductPatch, expectedVersion?: number): Promise<ProductDetail> {
  const parsed = productPatch.safeParse(patch)
  if (!parsed.success) throw new AppError('BAD_INPUT', parsed.error.issues.map((i) => i.message).join('; '))
  const row = await repo.updateProductVersioned(id, parsed.data, expectedVersion)
  if (!row) {
    const current = await repo.findVersion(id)
    if (current === null) throw new AppError('NOT_FOUND', `No product ${id}`)
    throw new AppError('CONFLICT', `Product ${id} changed meanwhile (now version ${current}); reload and edit again`, {
      details: { currentVersion: current, expectedVersion },
    })
  }
  const record = toProductRecord(row)
  await cacheProductRecord(record)

  const p = parsed.data
  const listings: string[] = []
  const tags = [TAGS.product(id)]
  if (p.priceCents !== undefined || p.active !== undefined) {
    listings.push(LISTINGS.category(record.category.slug))
    tags.push(TAGS.category(record.category.slug))
  }
  if (p.hot !== undefined || p.active !== undefined) {
    listings.push(LISTINGS.hotDeals)
    tags.push(TAGS.hotDeals)
  }
  if (p.name !== undefined || p.description !== undefined || p.active !== undefined) listings.push(LISTINGS.search)
  if (p.active !== undefined) tags.push(TAGS.categories)

  await Promise.all([
    cache.bumpGenerations(listings),
    p.active !== undefined ? cache.del(keys.categories()) : undefined,
    p.stock !== undefined || p.active !== undefined ? cache.del(keys.stock(id)) : undefined,
  ])
  await publishInvalidation(tags)
  log.info({ productId: id, version: record.version, fields: Object.keys(p) }, 'product updated')
  return toProductDetail(record)
}

/**
 * For checkout, payments and the stock sweeper: call after a product's stock changed in
 * PostgreSQL (taken, released, restocked). Drops the 1-2 s stock entry so the badge and any
 * sold-out check read the new figure on their next call. Never throws (Redis down → the
 * entry expires by itself within 2 s).
 */
export async function invalidateProductStock(productId: number): Promise<void> {
  await cache.del(keys.stock(productId))
}
