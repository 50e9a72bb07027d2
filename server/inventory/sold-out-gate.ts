/**
 * The hot-SKU sold-out gate: `soldout:{productId}` in Redis holds the product's name once
 * its stock reached zero, so later buyers are refused in one Redis round trip without
 * touching PostgreSQL. Postgres stays the source of truth: the gate is only ever set from
 * a committed zero, it expires on its own, and a stale or flushed gate can only cause a
 * retry or an extra database check, never an oversell.
 */
import { logger } from '../platform/logger'
import { key, redis } from '../platform/redis'

/** A gate outlives no real sale: it self-heals if a release's clear() is ever lost. */
export const SOLD_OUT_GATE_TTL_SECONDS = 300

const gateKey = (productId: number) => key('soldout', productId)
const log = logger.child({ module: 'sold-out-gate' })

/** Names of the gated (sold-out) products among `productIds`; an unreachable Redis gates nothing. */
export async function gatedNames(productIds: number[]): Promise<string[]> {
  if (productIds.length === 0) return []
  try {
    const values = await redis.mget<(string | null)[]>(...productIds.map(gateKey))
    return values.filter((v): v is string => typeof v === 'string')
  } catch (error) {
    log.warn({ err: error }, 'sold-out gate unavailable; falling through to the database')
    return []
  }
}

export async function markSoldOut(products: Array<{ id: number; name: string }>): Promise<void> {
  if (products.length === 0) return
  try {
    const p = redis.pipeline()
    for (const product of products) p.set(gateKey(product.id), product.name, { ex: SOLD_OUT_GATE_TTL_SECONDS })
    await p.exec()
  } catch (error) {
    log.warn({ err: error }, 'could not set sold-out gate')
  }
}

export async function clearSoldOut(productIds: number[]): Promise<void> {
  if (productIds.length === 0) return
  try {
    await redis.del(...productIds.map(gateKey))
  } catch (error) {
    log.warn({ err: error }, 'could not clear sold-out gate')
  }
}
