/**
 * The cart's Redis storage: hash `cart:{sid}` of productId → quantity with a sliding TTL.
 * Every change that can grow the cart is one Lua script, so the per-line maximum and the
 * line count hold under concurrent clicks.
 */
import { keys, TTL } from '../platform/cache'
import { redis } from '../platform/redis'
import { MAX_CART_LINES, MAX_QUANTITY_PER_LINE } from './cart.schema'

const cartKey = keys.cart
/** Carts slide with activity, like the session they belong to. */
export const CART_TTL_SECONDS = TTL.cart.ttlMs / 1_000

/** What a capped change answers instead of the new quantity. */
export const CART_FULL = -1
export const LINE_FULL = -2

/**
 * One script for both kinds of change, so the caps hold under any mix of concurrent calls:
 * Redis runs it atomically, so "is this a new line, and is there room for it?" and the write
 * are one step (a read in the service followed by HSET let 40 concurrent calls leave 35 lines).
 * ARGV: productId, quantity, mode ('add' adds to the line, 'set' replaces it), per-line
 * maximum, line maximum, TTL seconds. Returns the line's new quantity, CART_FULL or LINE_FULL.
 */
const changeScript = redis.createScript<number>(`
local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local qty = tonumber(ARGV[2])
if ARGV[3] == 'add' then qty = cur + qty end
if cur == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[5]) then return ${CART_FULL} end
if qty > tonumber(ARGV[4]) then return ${LINE_FULL} end
redis.call('HSET', KEYS[1], ARGV[1], qty)
redis.call('EXPIRE', KEYS[1], ARGV[6])
return qty
`)

function changeLine(sid: string, productId: number, quantity: number, mode: 'add' | 'set'): Promise<number> {
  return changeScript.exec(
    [cartKey(sid)],
    [String(productId), String(quantity), mode, String(MAX_QUANTITY_PER_LINE), String(MAX_CART_LINES), String(CART_TTL_SECONDS)],
  )
}

/** Adds `delta` to the line (creating it). Returns the new quantity, CART_FULL or LINE_FULL. */
export function addQuantity(sid: string, productId: number, delta: number): Promise<number> {
  return changeLine(sid, productId, delta, 'add')
}

/** Sets the line to `quantity` (creating it). Returns `quantity`, CART_FULL or LINE_FULL. */
export function setLineQuantity(sid: string, productId: number, quantity: number): Promise<number> {
  return changeLine(sid, productId, quantity, 'set')
}

export async function readCart(sid: string): Promise<Map<number, number>> {
  const k = cartKey(sid)
  const [raw] = await Promise.all([redis.hgetall<Record<string, number | string>>(k), redis.expire(k, CART_TTL_SECONDS)])
  const lines = new Map<number, number>()
  for (const [field, value] of Object.entries(raw ?? {})) {
    const id = Number(field)
    const qty = Number(value)
    if (Number.isInteger(id) && Number.isInteger(qty) && qty > 0) lines.set(id, qty)
  }
  return lines
}

export async function removeLines(sid: string, productIds: number[]): Promise<void> {
  if (productIds.length === 0) return
  await redis.hdel(cartKey(sid), ...productIds.map(String))
}
