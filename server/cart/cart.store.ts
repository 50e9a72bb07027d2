/**
 * The cart's Redis storage: hash `cart:{sid}` of productId → quantity with a sliding TTL.
 * The add is one Lua script so the per-line maximum and the line count hold under
 * concurrent clicks.
 */
import { keys, TTL } from '../platform/cache'
import { redis } from '../platform/redis'
import { MAX_CART_LINES, MAX_QUANTITY_PER_LINE } from './cart.schema'

const cartKey = keys.cart
/** Carts slide with activity, like the session they belong to. */
export const CART_TTL_SECONDS = TTL.cart.ttlMs / 1_000

/** Returns the new quantity, -1 when the cart has too many lines, -2 when the line would exceed the maximum. */
const addScript = redis.createScript<number>(`
local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local delta = tonumber(ARGV[2])
if cur == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return -1 end
if cur + delta > tonumber(ARGV[3]) then return -2 end
redis.call('HSET', KEYS[1], ARGV[1], cur + delta)
redis.call('EXPIRE', KEYS[1], ARGV[5])
return cur + delta
`)

export async function addQuantity(sid: string, productId: number, delta: number): Promise<number> {
  return addScript.exec(
    [cartKey(sid)],
    [String(productId), String(delta), String(MAX_QUANTITY_PER_LINE), String(MAX_CART_LINES), String(CART_TTL_SECONDS)],
  )
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

export async function setLineQuantity(sid: string, productId: number, quantity: number): Promise<void> {
  const k = cartKey(sid)
  await redis.pipeline().hset(k, { [String(productId)]: quantity }).expire(k, CART_TTL_SECONDS).exec()
}

export async function removeLines(sid: string, productIds: number[]): Promise<void> {
  if (productIds.length === 0) return
  await redis.hdel(cartKey(sid), ...productIds.map(String))
}

export async function lineCount(sid: string): Promise<number> {
  return redis.hlen(cartKey(sid))
}
