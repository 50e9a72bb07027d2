/**
 * The checkout's begin script when a sold-out gate is closed: one call refuses and records the
 * refusal for the key, as JSON the store reads back (names with quotes, backslashes, control
 * characters and non-ASCII survive), so a retry of the key replays the same answer. On the real
 * Redis (through the run's gateway) and on the in-process emulation of embedded mode, which
 * runs the same Lua.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from '@upstash/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startGateway, type Gateway } from '../gateway/gateway'
import { redis as appRedis } from '../platform/redis'
import { soldOutGateKey } from '../inventory/sold-out-gate'
import { begin, BEGIN_LUA, getRecord, idempotencyRecord } from './idempotency.store'

const NASTY = 'Kettle "Pro" \\ 5\tcafé ☃'
let nextId = 800_000_000 + Math.floor(Math.random() * 1_000_000)

describe('begin script: a closed gate refuses and records the refusal in one call (real Redis)', () => {
  it('answers gated with the product, and a retry of the key replays the stored refusal', async () => {
    const [open, closed] = [nextId++, nextId++]
    await appRedis.set(soldOutGateKey(closed), NASTY, { ex: 60 })
    const key = { sid: `sid-${randomBytes(8).toString('hex')}`, key: randomBytes(12).toString('hex') }
    const gates = [open, closed].map((productId) => ({ key: soldOutGateKey(productId), productId }))

    expect(await begin(key, 'hash-1', gates)).toEqual({ kind: 'gated', closed: [{ index: 1, name: NASTY }] })
    expect(await getRecord(key)).toEqual({
      state: 'failed',
      hash: 'hash-1',
      error: { code: 'SOLD_OUT', message: `Sold out: ${NASTY}`, details: { items: [{ productId: closed, name: NASTY, available: 0 }] } },
    })
    // The same key again finds the record (replayed by place-order), even after a restock.
    await appRedis.del(soldOutGateKey(closed))
    expect(await begin(key, 'hash-1', gates)).toMatchObject({ kind: 'record', record: { state: 'failed' } })
    // No gate closed: the key is claimed.
    const fresh = { ...key, key: randomBytes(12).toString('hex') }
    expect(await begin(fresh, 'hash-2', gates)).toEqual({ kind: 'claimed' })
    expect(await getRecord(fresh)).toEqual({ state: 'pending', hash: 'hash-2' })
  })
})

describe('begin script on the Redis emulation (embedded mode)', () => {
  const token = randomBytes(24).toString('hex')
  let gateway: Gateway
  let redis: Redis
  beforeAll(async () => {
    gateway = await startGateway({ port: 0, emulateRedis: true, token })
    redis = new Redis({ url: gateway.url, token, retry: { retries: 0 } })
  })
  afterAll(async () => {
    await gateway?.close()
  })

  it('records the same refusal JSON', async () => {
    await redis.set('gate:2', NASTY)
    const result = await redis.eval(BEGIN_LUA, ['idem:k', 'gate:1', 'gate:2'], ['{"state":"pending","hash":"h"}', '60', 'h', '11', '12'])
    expect(result).toEqual(['gated', 1, NASTY])
    const stored = idempotencyRecord.parse(await redis.get('idem:k'))
    expect(stored).toEqual({ state: 'failed', hash: 'h', error: { code: 'SOLD_OUT', message: `Sold out: ${NASTY}`, details: { items: [{ productId: 12, name: NASTY, available: 0 }] } } })
  })
})
