/**
 * A cache write after an edit that fails never leaves the older copy in place (issue 12,
 * case 5). Shoppers read through the run's store (its own process and gateway); the edit is
 * made in this process, where the write to `product:{id}` fails for real:
 *  1. skipped: Redis errored a moment ago in this process, so its cache is in its bypass
 *     window (the breaker) — the error is a real one (a WRONGTYPE on a key of ours);
 *  2. refused: the edit's process talks to Redis as a user whose ACL forbids SET (its own
 *     gateway, a temporary ACL user on the shared Redis), so the set-if-newer script fails
 *     inside Redis while everything else works — the write fails, and only the write.
 * Either way the store must serve the new price within the propagation deadline, and
 * `product:{id}` must hold the new version or nothing.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { randomBytes } from 'node:crypto'
import { Redis as IORedis } from 'ioredis'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { startGateway, type Gateway } from '../gateway/gateway'
import { TestShopper } from '../../testing/test-shopper'
import { testStoreUrl } from '../../testing/test-store'
import { env, LOCAL_GATEWAY_TOKEN } from '../env'
import { cache, keys, TTL } from '../platform/cache'
import { key } from '../platform/redis'
import { sql } from '../../testing/checkout-fixtures'
import type { ProductDetail } from './catalog.schema'
import { PROPAGATION_DEADLINE_MS } from './propagation'
import { updateProduct } from './update-product'

const admin = new IORedis(env.REDIS_URL)
const aclUser = `sf-test-noset-${randomBytes(4).toString('hex')}`
const aclPassword = randomBytes(16).toString('hex')
let limitedGateway: Gateway | undefined

afterAll(async () => {
  await limitedGateway?.close()
  await admin.call('ACL', 'DELUSER', aclUser).catch(() => {})
  admin.disconnect()
})

async function product(offset: number) {
  const [row] = await sql<{ id: number; slug: string; priceCents: number; contentVersion: number }>(
    `SELECT id, slug, "priceCents", "contentVersion" FROM "Product" WHERE active AND NOT hot ORDER BY id DESC OFFSET $1 LIMIT 1`,
    [offset],
  )
  return row!
}

/** The `ver` of the raw `product:{id}` entry, read past this process's cache (and its breaker). */
async function storedVersion(id: number): Promise<number | null> {
  const raw = await admin.get(keys.product(id))
  return raw === null ? null : (JSON.parse(raw) as { ver?: number }).ver ?? null
}

const shopper = new TestShopper(testStoreUrl())
const priceSeen = async (slug: string) => (await shopper.query<ProductDetail>('catalog.product', { slug })).data?.priceCents

/** The store serves `price` within the deadline (it read the old price from the cache before the edit). */
async function expectServed(slug: string, price: number): Promise<void> {
  const since = Date.now()
  let seen: number | undefined
  while ((seen = await priceSeen(slug)) !== price) {
    if (Date.now() - since > PROPAGATION_DEADLINE_MS) throw new Error(`store still serves ${seen} cents ${PROPAGATION_DEADLINE_MS} ms after the edit, not ${price}`)
    await sleep(100)
  }
}

describe('an edit whose cache write fails', () => {
  it('while this process is in its Redis bypass window: the write is not skipped, the store serves the new price', async () => {
    const p = await product(70)
    expect(await priceSeen(p.slug)).toBe(p.priceCents) // the store cached the old copy
    expect(await storedVersion(p.id)).toBe(p.contentVersion)

    // A real Redis error in this process (a script run against a hash) opens its breaker.
    const broken = key('test-wrongtype', randomBytes(4).toString('hex'))
    await admin.hset(broken, 'field', '1')
    expect(await cache.write(broken, TTL.product, { any: 1 }, 1)).toBe(false)

    const edited = await updateProduct(p.id, { priceCents: p.priceCents + 321 })
    expect(edited.propagation).toBe('complete')
    await expectServed(p.slug, p.priceCents + 321)
    expect(await storedVersion(p.id)).toBe(p.contentVersion + 1)
    await admin.del(broken)
  })

  it('refused inside Redis (the writer may not SET): the old copy is deleted, the store serves the new price', async () => {
    await admin.call('ACL', 'SETUSER', aclUser, 'reset', 'on', `>${aclPassword}`, '~*', '&*', '+@all', '-set')
    limitedGateway = await startGateway({ port: 0, redisUrl: `redis://${aclUser}:${aclPassword}@127.0.0.1:${new URL(env.REDIS_URL).port || 6379}`, token: LOCAL_GATEWAY_TOKEN })
    // The edit runs on a fresh module graph whose Redis client goes through that gateway.
    vi.resetModules()
    vi.stubEnv('GATEWAY_PORT', String(limitedGateway.port))
    const limited = await import('./update-product')
    const limitedCache = (await import('../platform/cache')).cache

    const p = await product(71)
    expect(await priceSeen(p.slug)).toBe(p.priceCents)
    expect(await storedVersion(p.id)).toBe(p.contentVersion)
    // The limited writer really cannot write: the set-if-newer script fails with NOPERM.
    expect(await limitedCache.write(key('test-limited', randomBytes(4).toString('hex')), TTL.product, { any: 1 }, 1)).toBe(false)

    const edited = await limited.updateProduct(p.id, { priceCents: p.priceCents + 654 })
    expect(edited.product.contentVersion).toBe(p.contentVersion + 1)
    await expectServed(p.slug, p.priceCents + 654)
    expect([null, p.contentVersion + 1]).toContain(await storedVersion(p.id))
    vi.unstubAllEnvs()
  })
})

// The function under test in this file's own module graph (the first case).
void updateProduct
