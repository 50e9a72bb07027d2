/**
 * Idempotency records in Redis, `idem:{key}`, kept IDEMPOTENCY_TTL_SECONDS (≥ 24 h):
 *  - `pending` is written (SET NX) before the transaction starts, so a replay knows the key
 *    may already have an order and must consult PostgreSQL instead of the sold-out gate;
 *  - `done` holds the answer (or the domain error) that the first request got.
 * PostgreSQL's unique index on Order.idempotencyKey is what makes duplicates impossible;
 * these records make replays cheap and answers identical.
 */
import { z } from 'zod'
import { key, redis } from '../platform/redis'
import { placeOrderOutput } from './checkout.schema'

export const IDEMPOTENCY_TTL_SECONDS = 48 * 3_600
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

const recordKey = (idempotencyKey: string) => key('idem', idempotencyKey)

function parse(raw: unknown): IdempotencyRecord | null {
  const parsed = idempotencyRecord.safeParse(typeof raw === 'string' ? JSON.parse(raw) : raw)
  return parsed.success ? parsed.data : null
}

export async function getRecord(idempotencyKey: string): Promise<IdempotencyRecord | null> {
  return parse(await redis.get(recordKey(idempotencyKey)))
}

/** True when this caller claimed the key (no record existed). */
export async function claim(idempotencyKey: string, hash: string): Promise<boolean> {
  const record: IdempotencyRecord = { state: 'pending', hash }
  return (await redis.set(recordKey(idempotencyKey), record, { nx: true, ex: IDEMPOTENCY_TTL_SECONDS })) === 'OK'
}

export async function finish(idempotencyKey: string, record: Exclude<IdempotencyRecord, { state: 'pending' }>): Promise<void> {
  await redis.set(recordKey(idempotencyKey), record, { ex: IDEMPOTENCY_TTL_SECONDS })
}

export async function release(idempotencyKey: string): Promise<void> {
  await redis.del(recordKey(idempotencyKey))
}

/** Waits while another request holds the key pending; returns the settled record or null. */
export async function waitWhilePending(idempotencyKey: string): Promise<IdempotencyRecord | null> {
  const deadline = Date.now() + PENDING_WAIT_MS
  for (;;) {
    const record = await getRecord(idempotencyKey)
    if (!record || record.state !== 'pending' || Date.now() > deadline) return record
    await new Promise((r) => setTimeout(r, PENDING_POLL_MS))
  }
}
