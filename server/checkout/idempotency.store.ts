/**
 * Idempotency records in Redis, `idem:{session}:{key}`, kept IDEMPOTENCY_TTL_SECONDS (≥ 24 h).
 * A key is scoped to the shopper session that sent it (the IETF Idempotency-Key draft scopes
 * keys to the client): another session's identical key is a different request.
 *  - `pending` is written (SET NX) before the transaction starts, so a replay knows the key
 *    may already have an order and must consult PostgreSQL instead of the sold-out gate;
 *  - `done` holds the answer (or the domain error) that the first request got.
 * PostgreSQL's unique index on Order (sessionId, idempotencyKey) is what makes duplicates impossible;
 * these records make replays cheap and answers identical.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { z } from 'zod'
import { keys, TTL } from '../platform/cache'
import { redis } from '../platform/redis'
import { placedOrderAnswer } from './checkout.schema'

export const IDEMPOTENCY_TTL_SECONDS = TTL.idempotency.ttlMs / 1_000
/** How long a pending record may stand before a replay stops waiting and asks the database. */
export const PENDING_WAIT_MS = 3_000
export const PENDING_POLL_MS = 40

const storedError = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() })
export const idempotencyRecord = z.discriminatedUnion('state', [
  z.object({ state: z.literal('pending'), hash: z.string() }),
  z.object({ state: z.literal('done'), hash: z.string(), answer: placedOrderAnswer }),
  z.object({ state: z.literal('failed'), hash: z.string(), error: storedError }),
])
export type IdempotencyRecord = z.infer<typeof idempotencyRecord>

const recordKey = keys.idempotency

function parse(raw: unknown): IdempotencyRecord | null {
  const parsed = idempotencyRecord.safeParse(typeof raw === 'string' ? JSON.parse(raw) : raw)
  return parsed.success ? parsed.data : null
}

/** One shopper session's idempotency key. */
export interface ScopedKey {
  sid: string
  key: string
}

export async function getRecord(k: ScopedKey): Promise<IdempotencyRecord | null> {
  return parse(await redis.get(recordKey(k.sid, k.key)))
}

/**
 * The checkout's first Redis round trip, atomically: an existing record for the key wins;
 * otherwise any sold-out gate among `gateKeys` refuses, and the refusal is recorded for the key
 * in the same script (so a sold-out answer is one Redis call and no SQL, and a retry of the key
 * replays it); otherwise the key is claimed (pending). One script instead of a read and a
 * claim: one REST call, and no window between them for a concurrent request with the same key.
 *
 * The refusal record is the JSON `finish` would write, built in Lua by concatenation (the
 * local Redis emulation has no `cjson.encode`); `esc` escapes a product name for a JSON string.
 * Keys: [record, ...gates]; ARGV: [pending JSON, TTL s, request hash, ...product ids by gate].
 */
export const BEGIN_LUA = String.raw`
local rec = redis.call('GET', KEYS[1])
if rec then return {'record', rec} end
local function esc(s)
  return (string.gsub(s, '[%c"\\]', function(c)
    if c == '"' then return '\\"' end
    if c == '\\' then return '\\\\' end
    return string.format('\\u%04x', string.byte(c))
  end))
end
local found, names, items = {}, {}, {}
for i = 2, #KEYS do
  local v = redis.call('GET', KEYS[i])
  if v then
    found[#found + 1] = i - 2
    found[#found + 1] = v
    local name = esc(v)
    names[#names + 1] = name
    items[#items + 1] = '{"productId":' .. ARGV[i + 2] .. ',"name":"' .. name .. '","available":0}'
  end
end
if #found > 0 then
  redis.call('SET', KEYS[1], '{"state":"failed","hash":"' .. ARGV[3] .. '","error":{"code":"SOLD_OUT","message":"Sold out: ' ..
    table.concat(names, ', ') .. '","details":{"items":[' .. table.concat(items, ',') .. ']}}}', 'EX', ARGV[2])
  -- Built in the constructor: the embedded mode's Redis emulation returns only a table's constructor part.
  return {'gated', unpack(found)}
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return {'claimed'}
`
const beginScript = redis.createScript<unknown[]>(BEGIN_LUA)

/**
 * `gated`: the closed gates, by their position in `gates` and the product name they hold; the
 * refusal is already recorded for the key (see `beginScript`).
 */
export type Begin =
  | { kind: 'record'; record: IdempotencyRecord | null }
  | { kind: 'gated'; closed: Array<{ index: number; name: string }> }
  | { kind: 'claimed' }

/** `gates`: the sold-out gate key and product id of each line, in order. */
export async function begin(k: ScopedKey, hash: string, gates: Array<{ key: string; productId: number }>): Promise<Begin> {
  const pending: IdempotencyRecord = { state: 'pending', hash }
  const [kind, ...rest] = await beginScript.exec(
    [recordKey(k.sid, k.key), ...gates.map((g) => g.key)],
    [JSON.stringify(pending), String(IDEMPOTENCY_TTL_SECONDS), hash, ...gates.map((g) => String(g.productId))],
  )
  if (kind === 'record') return { kind, record: parse(typeof rest[0] === 'string' ? rest[0] : JSON.stringify(rest[0])) }
  if (kind === 'gated') {
    const closed: Array<{ index: number; name: string }> = []
    for (let i = 0; i + 1 < rest.length; i += 2) closed.push({ index: Number(rest[i]), name: String(rest[i + 1]) })
    return { kind, closed }
  }
  return { kind: 'claimed' }
}

export async function finish(k: ScopedKey, record: Exclude<IdempotencyRecord, { state: 'pending' }>): Promise<void> {
  await redis.set(recordKey(k.sid, k.key), record, { ex: IDEMPOTENCY_TTL_SECONDS })
}

export async function release(k: ScopedKey): Promise<void> {
  await redis.del(recordKey(k.sid, k.key))
}

/** Waits while another request holds the key pending; returns the settled record or null. */
export async function waitWhilePending(k: ScopedKey): Promise<IdempotencyRecord | null> {
  const deadline = Date.now() + PENDING_WAIT_MS
  for (;;) {
    const record = await getRecord(k)
    if (!record || record.state !== 'pending' || Date.now() > deadline) return record
    await sleep(PENDING_POLL_MS)
  }
}
