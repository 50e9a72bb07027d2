/**
 * Rate-limit overrides against the run's real Redis: an operator's new limit is enforced
 * (the limiter is rebuilt), a bad one is refused, and an unreadable Redis keeps the last
 * known limits. Each test uses its own overrides hash and identifiers.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from '@upstash/redis'
import { describe, expect, it } from 'vitest'
import { upstash } from '../env'
import { POLICIES } from './rate-limit-policies'
import { createRateLimits, MAX_POLICY_LIMIT } from './ratelimit'
import { createSettingsHash } from './runtime-settings'
import { insideOneLimitWindow } from '../../testing/limit-window'

const unique = (label: string) => `${label}-${randomBytes(4).toString('hex')}`

/** A Redis client that can be switched to a dead port mid-test (an outage). */
function switchableRedis() {
  const up = new Redis({ url: upstash.url, token: upstash.token, retry: { retries: 0 } })
  const dead = new Redis({ url: 'http://127.0.0.1:9', token: upstash.token, retry: { retries: 0 } })
  let current = up
  const redis = new Proxy(up, {
    get(_target, prop) {
      const value: unknown = Reflect.get(current, prop)
      return typeof value === 'function' ? value.bind(current) : value
    },
  })
  return { redis, goDown: () => (current = dead) }
}

async function attempts(limits: ReturnType<typeof createRateLimits>, id: string, n: number): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    out.push(await limits.enforce('cart', id).then(
      () => 'ok',
      (error: { code?: string }) => error.code ?? 'error',
    ))
  }
  return out
}

describe('rate-limit overrides', () => {
  it('lists every policy at its default limit until someone changes one', async () => {
    const limits = createRateLimits(createSettingsHash({ name: unique('rl-test'), onError: 'last-known' }))
    const { policies } = await limits.list()
    expect(policies.map((p) => [p.policy, p.limit, p.changedBy])).toEqual(
      Object.entries(POLICIES).map(([name, p]) => [name, p.limit, null]),
    )
  })

  it('enforces a lowered limit at once on this instance, and a raised one after it', async () => {
    const limits = createRateLimits(createSettingsHash({ name: unique('rl-test'), onError: 'last-known' }))
    const view = await limits.setLimit('cart', 3, 'ada')
    expect(view).toMatchObject({ policy: 'cart', limit: 3, defaultLimit: POLICIES.cart.limit, changedBy: 'ada' })
    const id = unique('shopper')
    await insideOneLimitWindow('cart', 5_000)
    expect(await attempts(limits, id, 4)).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED'])
    await limits.setLimit('cart', 5, 'ada')
    expect(await attempts(limits, id, 3)).toEqual(['ok', 'ok', 'RATE_LIMITED'])
  })

  it('restores the default when set to null (or to the default itself)', async () => {
    const limits = createRateLimits(createSettingsHash({ name: unique('rl-test'), onError: 'last-known' }))
    await limits.setLimit('checkout', 7, 'ada')
    expect((await limits.setLimit('checkout', null, 'ada')).changedBy).toBeNull()
    await limits.setLimit('checkout', 7, 'ada')
    expect((await limits.setLimit('checkout', POLICIES.checkout.limit, 'ada')).changedBy).toBeNull()
  })

  it('refuses unknown policies and limits out of range, storing nothing', async () => {
    const limits = createRateLimits(createSettingsHash({ name: unique('rl-test'), onError: 'last-known' }))
    for (const [policy, limit] of [['nonsense', 10], ['cart', 0], ['cart', MAX_POLICY_LIMIT + 1], ['cart', 2.5], ['cart', '10']] as const) {
      await expect(limits.setLimit(policy, limit, 'ada')).rejects.toMatchObject({ code: 'BAD_INPUT' })
    }
    expect((await limits.list()).policies.every((p) => p.changedBy === null)).toBe(true)
  })

  it('keeps the last known overrides when Redis cannot be read', async () => {
    const outage = switchableRedis()
    let now = 0
    const limits = createRateLimits(createSettingsHash({ name: unique('rl-test'), onError: 'last-known', now: () => now, redis: outage.redis, timeoutMs: 300 }))
    await limits.setLimit('cart', 4, 'ada')
    expect((await limits.list()).policies.find((p) => p.policy === 'cart')!.limit).toBe(4)
    outage.goDown()
    now += 10_000
    const after = await limits.list()
    expect(after.source).toBe('fallback')
    expect(after.policies.find((p) => p.policy === 'cart')!.limit).toBe(4)
  })
})
