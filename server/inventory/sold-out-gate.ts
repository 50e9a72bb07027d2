/**
 * The hot-SKU sold-out gate: `soldout:{productId}` in Redis holds the product's name once
 * its stock reached zero, so later buyers are refused in one Redis round trip without
 * touching PostgreSQL. Postgres stays the source of truth: the gate is only ever set from
 * a committed zero, it expires on its own, and a stale or flushed gate can only cause a
 * retry or an extra database check, never an oversell.
 *
 * Ordering a zero against a restock: a sale that took the last unit closes the gate only
 * AFTER its commit, so it can arrive after an admin's restock (or a released order) already
 * reopened it. Every statement that puts units back bumps the product's `restockSeq`
 * (inventory.repo.ts); reopening records that sequence in `soldout-seq:{id}`, and closing
 * is one script that refuses a zero older than it. So a late close never shuts a restocked
 * product, and a restock is buyable as soon as the admin's request answers.
 */
import { keys, TTL } from '../platform/cache'
import { logger } from '../platform/logger'
import { redis } from '../platform/redis'
import { retryInBackground } from '../platform/retry-in-background'

export const SOLD_OUT_GATE_TTL_SECONDS = TTL.soldOutGate.ttlMs / 1_000
/** The reopened-at sequence outlives any gate that could race it. */
export const GATE_SEQ_TTL_SECONDS = SOLD_OUT_GATE_TTL_SECONDS * 2

export const soldOutGateKey = keys.soldOutGate
const log = logger.child({ module: 'sold-out-gate' })

/** KEYS: gate, seq. ARGV: name, restockSeq of the zero, ttl. Closes unless reopened for a newer sequence. */
const closeScript = redis.createScript<number>(`
local reopened = tonumber(redis.call('GET', KEYS[2]) or '-1')
if reopened > tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1
`)

/** KEYS: gate, seq. ARGV: restockSeq of the restock, seq ttl. Records the newest sequence and opens the gate. */
const reopenScript = redis.createScript<number>(`
local reopened = tonumber(redis.call('GET', KEYS[2]) or '-1')
if tonumber(ARGV[1]) > reopened then redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2]) end
return redis.call('DEL', KEYS[1])
`)

/**
 * Closes the gate of products whose committed stock is zero, each at the `restockSeq` its
 * zero was read at. Best effort (logged): a gate that stays open costs a database check.
 */
export async function closeSoldOutGates(products: Array<{ id: number; name: string; restockSeq: number }>): Promise<void> {
  if (products.length === 0) return
  try {
    await Promise.all(
      products.map((p) =>
        closeScript.exec([soldOutGateKey(p.id), keys.soldOutGateSeq(p.id)], [p.name, String(p.restockSeq), String(SOLD_OUT_GATE_TTL_SECONDS)]),
      ),
    )
  } catch (error) {
    log.warn({ err: error }, 'could not set sold-out gate')
  }
}

/**
 * Reopens the gates of products that got units back (restock, released order) at
 * `restockSeq`. A gate left closed would refuse buyers for minutes, so a refused call is
 * retried in the background; resolves `retrying` then.
 */
export async function reopenSoldOutGates(products: Array<{ productId: number; restockSeq: number }>): Promise<'done' | 'retrying'> {
  if (products.length === 0) return 'done'
  const reopen = (p: { productId: number; restockSeq: number }) => async () => {
    try {
      await reopenScript.exec([soldOutGateKey(p.productId), keys.soldOutGateSeq(p.productId)], [String(p.restockSeq), String(GATE_SEQ_TTL_SECONDS)])
      return true
    } catch (error) {
      log.warn({ err: error, productId: p.productId }, 'could not reopen sold-out gate: retrying in the background')
      return false
    }
  }
  const results = await Promise.all(products.map((p) => reopen(p)()))
  let retrying = false
  results.forEach((ok, i) => {
    if (ok) return
    retrying = true
    retryInBackground(`sold-out-gate:${products[i]!.productId}`, reopen(products[i]!))
  })
  return retrying ? 'retrying' : 'done'
}
