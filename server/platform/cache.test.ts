/**
 * The Redis data cache against the run's real Redis (through the test gateway), under a
 * key namespace of its own. Time and randomness are injected where an assertion needs them.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from '@upstash/redis'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { upstash } from '../env'
import { createCache, jitteredTtlMs, TTL, type CachePolicy } from './cache'
import { metrics } from './metrics'
import { key, redis } from './redis'
import { freePort } from '../launcher/port-free'

const ns = `cache-test-${randomBytes(3).toString('hex')}`
const k = (name: string) => key(ns, name)
const item = z.object({ id: z.number(), name: z.string(), version: z.number() })
type Item = z.infer<typeof item>
const policy: CachePolicy = { ttlMs: 60_000, jitter: 0, staleMs: 60_000 }

async function events(layer: string, event: string): Promise<number> {
  const { values } = await metrics.cacheEvents.get()
  return values.find((v) => v.labels.layer === layer && v.labels.event === event)?.value ?? 0
}

function deferred<T = void>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

describe('TTL table', () => {
  it('names the product decisions: hot products 600 s, categories 1,800 s, sessions 3,600 s, search 300 s, stock 0.8-1 s', () => {
    expect(TTL.hotProduct.ttlMs).toBe(600_000)
    expect(TTL.category.ttlMs).toBe(1_800_000)
    expect(TTL.session.ttlMs).toBe(3_600_000)
    expect(TTL.search.ttlMs).toBe(300_000)
    expect(jitteredTtlMs(TTL.stock, () => 0)).toBe(800)
    // A stale stock figure put back by a racing reader dies within the propagation deadline's budget.
    expect(jitteredTtlMs(TTL.stock, () => 0.999)).toBeLessThanOrEqual(1_000)
    expect(TTL.stock.staleMs).toBe(0)
  })

  it('spreads the expiry of keys filled together (jitter within +10 %)', () => {
    const ttls = Array.from({ length: 200 }, () => jitteredTtlMs(TTL.hotProduct))
    expect(Math.min(...ttls)).toBeGreaterThanOrEqual(600_000)
    expect(Math.max(...ttls)).toBeLessThanOrEqual(660_000)
    expect(new Set(ttls).size).toBeGreaterThan(100)
  })

  it('writes the jittered lifetime to Redis as the key TTL (fresh + stale window)', async () => {
    const cache = createCache({ redis, random: () => 0.5, layer: 'test' })
    await cache.write(k('ttl'), TTL.hotProduct, { id: 1, name: 'x', version: 1 })
    const pttl = await redis.pttl(k('ttl'))
    expect(pttl).toBeGreaterThan(600_000 + 30_000 + 60_000 - 5_000)
    expect(pttl).toBeLessThanOrEqual(600_000 + 30_000 + 60_000)
  })
})

describe('read-through', () => {
  it('fills a key once for 100 concurrent misses (single-flight) and serves hits afterwards', async () => {
    const cache = createCache({ redis, layer: 'test' })
    let loads = 0
    const gate = deferred()
    const load = async (): Promise<Item> => {
      loads++
      await gate.promise
      return { id: 7, name: 'Lamp', version: 1 }
    }
    const readers = Array.from({ length: 100 }, () => cache.readThrough(k('flight'), policy, item, load))
    gate.resolve()
    const values = await Promise.all(readers)
    expect(loads).toBe(1)
    expect(values.every((v) => v.name === 'Lamp')).toBe(true)
    const hitsBefore = await events('test', 'hit')
    expect(await cache.readThrough(k('flight'), policy, item, load)).toEqual({ id: 7, name: 'Lamp', version: 1 })
    expect(loads).toBe(1)
    expect(await events('test', 'hit')).toBe(hitsBefore + 1)
  })

  it('serves an expired entry at once while one caller refreshes it in the background', async () => {
    let clock = 1_000_000
    const cache = createCache({ redis, layer: 'test', now: () => clock })
    await cache.readThrough(k('swr'), policy, item, async () => ({ id: 1, name: 'old', version: 1 }))
    clock += policy.ttlMs + 1 // past fresh, inside the stale window
    let loads = 0
    const refreshed = deferred()
    const load = async () => {
      loads++
      refreshed.resolve()
      return { id: 1, name: 'new', version: 2 }
    }
    const stale = await Promise.all([1, 2, 3].map(() => cache.readThrough(k('swr'), policy, item, load)))
    expect(stale.map((s) => s.name)).toEqual(['old', 'old', 'old'])
    await refreshed.promise
    await expect.poll(async () => (await cache.peek(k('swr'), item))?.value.name).toBe('new')
    expect(loads).toBe(1)
  })

  it('treats a malformed entry as a miss and overwrites it', async () => {
    const cache = createCache({ redis, layer: 'test' })
    await redis.set(k('bad'), '{"v":{"id":"not-a-number"},"fresh":9999999999999}')
    const before = await events('test', 'invalid')
    const value = await cache.readThrough(k('bad'), policy, item, async () => ({ id: 3, name: 'fixed', version: 1 }))
    expect(value.name).toBe('fixed')
    expect(await events('test', 'invalid')).toBe(before + 1)
    expect((await cache.peek(k('bad'), item))?.value).toEqual({ id: 3, name: 'fixed', version: 1 })
    await redis.set(k('garbage'), 'not json at all')
    expect((await cache.readThrough(k('garbage'), policy, item, async () => ({ id: 4, name: 'ok', version: 1 }))).name).toBe('ok')
  })
})

describe('set-if-newer', () => {
  it('never lets an older version overwrite a newer one; equal or newer versions write', async () => {
    const cache = createCache({ redis, layer: 'test' })
    expect(await cache.write(k('ver'), policy, { id: 1, name: 'v5', version: 5 }, 5)).toBe(true)
    expect(await cache.write(k('ver'), policy, { id: 1, name: 'v4', version: 4 }, 4)).toBe(false)
    expect((await cache.peek(k('ver'), item))?.value.name).toBe('v5')
    expect(await cache.write(k('ver'), policy, { id: 1, name: 'v5 again', version: 5 }, 5)).toBe(true)
    expect(await cache.write(k('ver'), policy, { id: 1, name: 'v6', version: 6 }, 6)).toBe(true)
    expect(await cache.peek(k('ver'), item)).toEqual({ value: { id: 1, name: 'v6', version: 6 }, version: 6 })
  })

  it('a reader that loaded version N and resumes after the edit to N+1 cannot put N back', async () => {
    const cache = createCache({ redis, layer: 'test' })
    const loaded = deferred()
    const resume = deferred()
    const slowReader = cache.readThrough(
      k('race'),
      policy,
      item,
      async () => {
        loaded.resolve()
        await resume.promise
        return { id: 9, name: 'price 10', version: 1 }
      },
      { version: (v) => v.version },
    )
    await loaded.promise
    await cache.write(k('race'), policy, { id: 9, name: 'price 12', version: 2 }, 2) // the edit
    resume.resolve()
    expect((await slowReader).version).toBe(1) // the reader still answers what it read…
    expect(await cache.peek(k('race'), item)).toEqual({ value: { id: 9, name: 'price 12', version: 2 }, version: 2 }) // …but never caches it
  })
})

describe('Redis unavailable', () => {
  it('answers from the loader, counts the error and skips Redis for a while instead of failing', async () => {
    const dead = new Redis({ url: `http://127.0.0.1:${await freePort()}`, token: upstash.token, retry: { retries: 0 } })
    const cache = createCache({ redis: dead, layer: 'test-down' })
    const load = async () => ({ id: 1, name: 'from postgres', version: 1 })
    expect((await cache.readThrough(k('down'), policy, item, load)).name).toBe('from postgres')
    expect(await events('test-down', 'error')).toBeGreaterThanOrEqual(1)
    expect((await cache.readThrough(k('down'), policy, item, load)).name).toBe('from postgres')
    expect(await events('test-down', 'bypass')).toBeGreaterThanOrEqual(1)
    expect(await cache.write(k('down'), policy, { id: 1, name: 'x', version: 1 }, 1)).toBe(false)
    const many = await cache.readMany([1, 2], (id) => k(`down-${id}`), () => policy, item, async (ids) => new Map(ids.map((id) => [id, { id, name: 'pg', version: 1 }])))
    expect([...many.keys()]).toEqual([1, 2])
  })
})
