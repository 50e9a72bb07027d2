/**
 * The Redis entry `product:{id}` (a ProductRecord with its `contentVersion`), the one cached
 * copy of what a product says, read by cards, pages and the cart. Every fill is set-if-newer,
 * so a reader that loaded an old row can never overwrite a newer edit; an edit replaces it
 * with `replaceCachedProduct`, which never leaves an older copy behind.
 */
import { cache, keys, TTL, type ReplaceOutcome } from '../platform/cache'
import { AppError } from '../platform/errors'
import * as repo from './catalog.repo'
import { toProductRecord } from './catalog.mappers'
import { productRecord, type ProductRecord } from './catalog.schema'

/** Hot products get the shorter TTL: they are the ones edited mid-sale. */
export const policyOf = (r: ProductRecord) => (r.hot ? TTL.hotProduct : TTL.product)
const versionOf = (r: ProductRecord) => r.contentVersion

/** One product from the database (no cache), or null. */
export async function loadProductRecord(id: number): Promise<ProductRecord | null> {
  const [row] = await repo.findProductRecords([id])
  return row ? toProductRecord(row) : null
}

/** Products by id through the cache: one MGET, one database query for whatever missed. */
export async function getProductRecords(ids: readonly number[]): Promise<Map<number, ProductRecord>> {
  const unique = [...new Set(ids)]
  return cache.readMany(
    unique,
    keys.product,
    policyOf,
    productRecord,
    async (missing) => new Map((await repo.findProductRecords(missing)).map((row) => [row.id, toProductRecord(row)])),
    { version: versionOf },
  )
}

/**
 * After an edit committed: `record` replaces the cached copy (unless a newer one is there).
 * A failed write deletes the entry instead, and a failed delete is retried in the background,
 * so an older copy is never left in place (server/platform/cache.ts `replace`).
 */
export function replaceCachedProduct(record: ProductRecord): Promise<ReplaceOutcome> {
  return cache.replace(keys.product(record.id), policyOf(record), record, record.contentVersion)
}

/** One product through the cache, single-flight per id in this process; NOT_FOUND when unknown. */
export function getProductRecord(id: number): Promise<ProductRecord> {
  return cache.readThrough(
    keys.product(id),
    policyOf,
    productRecord,
    async () => {
      const record = await loadProductRecord(id)
      if (!record) throw new AppError('NOT_FOUND', `No product ${id}`)
      return record
    },
    { version: versionOf },
  )
}
