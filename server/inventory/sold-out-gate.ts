/**
 * The hot-SKU sold-out gate: `soldout:{productId}` in Redis holds the product's name once
 * its stock reached zero, so later buyers are refused in one Redis round trip without
 * touching PostgreSQL. Postgres stays the source of truth: the gate is only ever set from
 * a committed zero, it expires on its own, and a stale or flushed gate can only cause a
 * retry or an extra database check, never an oversell.
 */
import { logger } from '../platform/logger'
import { keys, TTL } from '../platform/cache'
import { redis } from '../platform/redis'

export const SOLD_OUT_GATE_TTL_SECONDS = TTL.soldOutGate.ttlMs / 1_000

export const soldOutGateKey = keys.soldOutGate
const log = logger.child({ module: 'sold-out-gate' })

export async function markSoldOut(products: Array<{ id: number; name: string }>): Promise<void> {
  if (products.length === 0) return
  try {
    const p = redis.pipeline()
    for (const product of products) p.set(soldOutGateKey(product.id), product.name, { ex: SOLD_OUT_GATE_TTL_SECONDS })
    await p.exec()
  } catch (error) {
    log.warn({ err: error }, 'could not set sold-out gate')
  }
}

export async function clearSoldOut(productIds: number[]): Promise<void> {
  if (productIds.length === 0) return
  try {
    await redis.del(...productIds.map(soldOutGateKey))
  } catch (error) {
    log.warn({ err: error }, 'could not clear sold-out gate')
  }
}
