/**
 * Mid-sale content edits (price, name, description, active, doorbuster), race-free, in
 * this order:
 *  1. one UPDATE changes the row and bumps `contentVersion` (optionally only from the version
 *     the admin loaded). Sales never touch that version, so a selling product stays editable;
 *  2. the new row replaces `product:{id}` *if newer* (Lua compare on the content version), so
 *     a reader still holding the old row can never put it back, and a write that fails
 *     deletes the entry instead of leaving the old copy (product-cache.ts);
 *  3. listings whose order or membership changed get a new generation, and the page tags are
 *     published to every instance through the one publisher, `invalidateTags`
 *     (server/platform/tag-log.ts). Within PROPAGATION_DEADLINE_MS (propagation.ts).
 */
import { cache, keys, LISTINGS, TAGS } from '../platform/cache'
import { AppError } from '../platform/errors'
import { logger } from '../platform/logger'
import { invalidateTags } from '../platform/tag-log'
import * as repo from './catalog.repo'
import { toProductRecord } from './catalog.mappers'
import { productPatch, type ProductPatch, type ProductRecord, type Propagation, type UpdateProductOutput } from './catalog.schema'
import { replaceCachedProduct } from './product-cache'

const log = logger.child({ module: 'catalog' })

/**
 * Applies a content `patch` to product `id`. With `expectedContentVersion`, only if nobody
 * edited it since (else CONFLICT naming the current version). Resolves the new record and
 * whether every cache layer has been told (`retrying`: Redis or an edge refused part of it, a
 * background retry is on it). Throws BAD_INPUT (invalid patch), NOT_FOUND, CONFLICT.
 */
export async function updateProduct(id: number, patch: ProductPatch, expectedContentVersion?: number): Promise<UpdateProductOutput> {
  const parsed = productPatch.safeParse(patch)
  if (!parsed.success) throw new AppError('BAD_INPUT', parsed.error.issues.map((i) => i.message).join('; '))
  const { stock: _never, ...content } = parsed.data
  const row = await repo.updateProductContent(id, content, expectedContentVersion)
  if (!row) {
    const current = await repo.findContentVersion(id)
    if (current === null) throw new AppError('NOT_FOUND', `No product ${id}`)
    throw new AppError('CONFLICT', `Product ${id} was edited meanwhile (now content version ${current}); reload and edit again`, {
      details: { currentContentVersion: current, expectedContentVersion },
    })
  }
  const record = toProductRecord(row)
  const propagation = await propagateContentChange(record, content)
  log.info({ productId: id, contentVersion: record.contentVersion, fields: Object.keys(content), propagation }, 'product updated')
  return { product: record, propagation }
}

/** Every layer a content change reaches: data cache, listings, the stock entry (activation), page tags. */
async function propagateContentChange(record: ProductRecord, p: ProductPatch): Promise<Propagation> {
  const replaced = await replaceCachedProduct(record)
  const listings: string[] = []
  // The page by id, and by address: a reactivated product's cached 404 carries only the latter.
  const tags = [TAGS.product(record.id), TAGS.productPage(record.slug)]
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

  const steps = await Promise.all([
    cache.bumpGenerations(listings),
    p.active !== undefined ? cache.evict(keys.categories(), keys.stock(record.id)) : 'done',
  ])
  const published = await invalidateTags(tags)
  return replaced === 'retrying' || steps.includes('retrying') || published === 'retrying' ? 'retrying' : 'complete'
}

/**
 * Call after a product's stock changed in PostgreSQL (taken, released, restocked, stopped).
 * Drops the ≤ 1 s stock entry so the badge and any sold-out check read the new figure on their
 * next call; past the cache's breaker, retried in the background if Redis refuses. Never throws.
 */
export async function invalidateProductStock(productId: number): Promise<'done' | 'retrying'> {
  return cache.evict(keys.stock(productId))
}
