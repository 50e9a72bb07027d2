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
import { z } from 'zod'
import { keys, TTL } from '../platform/cache'
import { redis } from '../platform/redis'
import { placeOrderOutput } from './checkout.schema'

export const IDEMPOTENCY_TTL_SECONDS = TTL.idempotency.ttlMs / 1_000
/** How long a pending record may stand before a replay stops waiting and asks the database. */
export const PENDING_WAIT_MS = 3_000
export const PENDING_POLL_MS = 40

const storedError = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() })
export const idempotencyRecord = z.discriminatedUnion('state', [
  z.object({ state: z.literal('pending'), hash: z.string() }),
  z.object({ state: z.literal('done'), hash: z.string(), answer: placeOrderOutput }),
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
 * otherwise any sold-out gate among `gateKeys` refuses; otherwise the key is claimed
 * (pending). One script instead of a read and a claim: one REST call, and no window between
 * them for a concurrent request with the same key.
 */
const beginScript = redis.createScript<unknown[]>(`
local rec = redis.call('GET', KEYS[1])
if rec then return {'record', rec} end
local out = {'gated'}
for i = 2, #KEYS do
  local v = redis.call('GET', KEYS[i])
  if v then
    out[#out + 1] = i - 2
    out[#out + 1] = v
  end
end
if #out > 1 then return out end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return {'claimed'}
`)

/** `gated`: the closed gates, by their position in `gateKeys` and the product name they hold. */
export type Begin =
  | { kind: 'record'; record: IdempotencyRecord | null }
  | { kind: 'gated'; closed: Array<{ index: number; name: string }> }
  | { kind: 'claimed' }

export async function begin(k: ScopedKey, hash: string, gateKeys: string[]): Promise<Begin> {
  const pending: IdempotencyRecord = { state: 'pending', hash }
  const [kind, ...rest] = await beginScript.exec(
    [recordKey(k.sid, k.key), ...gateKeys],
    [JSON.stringify(pending), String(IDEMPOTENCY_TTL_SECONDS)],
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
    await new Promise((r) => setTimeout(r, PENDING_POLL_MS))
  }
}
