/**
 * Feature flags and fault settings against the run's real Redis, each test on a settings
 * hash of its own (the store under test keeps its own flags). Time is injected to check the
 * ≤ 2 s rule; a client on a dead port stands in for Redis being down.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from '@upstash/redis'
import { describe, expect, it } from 'vitest'
import { upstash } from '../env'
import { currentFaults, listFaults, setFault } from './faults'
import { flagStates, listFlags, setFlag } from './flags'
import { AppError } from './errors'
import { createSettingsHash, SETTINGS_MAX_AGE_MS, type SettingsHashOptions } from './runtime-settings'

const unique = (label: string) => `${label}-${randomBytes(4).toString('hex')}`
const settings = (opts: Partial<SettingsHashOptions> = {}) => createSettingsHash({ name: unique('flags-test'), onError: 'defaults', ...opts })
const deadRedis = () => new Redis({ url: 'http://127.0.0.1:9', token: upstash.token, retry: { retries: 0 } })

describe('feature flags', () => {
  it('start at their defaults: everything on', async () => {
    expect(await flagStates(settings())).toEqual({ recommendations: true, reviews: true, search: true, stockBadge: true })
  })

  it('turning one off is seen at once here, with who and when', async () => {
    const s = settings()
    const before = Date.now()
    const view = await setFlag('reviews', false, 'ada', s)
    expect(view).toMatchObject({ name: 'reviews', enabled: false, defaultOn: true, changedBy: 'ada' })
    expect(view.changedAt!.getTime()).toBeGreaterThanOrEqual(before)
    expect((await flagStates(s)).reviews).toBe(false)
    expect((await flagStates(s)).recommendations).toBe(true)
  })

  it('a change made by another instance is in force here within 2 s, not later', async () => {
    const name = unique('flags-shared')
    let now = 1_000_000
    const here = createSettingsHash({ name, onError: 'defaults', now: () => now })
    const there = createSettingsHash({ name, onError: 'defaults' })
    expect((await flagStates(here)).search).toBe(true)
    await setFlag('search', false, 'ops', there)
    now += 500
    expect((await flagStates(here)).search).toBe(true) // still the cached read: fine within 2 s
    now += SETTINGS_MAX_AGE_MS
    expect((await flagStates(here)).search).toBe(false)
  })

  it('refuses unknown flag names and non-boolean values without storing anything', async () => {
    const s = settings()
    await expect(setFlag('darkMode', false, 'ada', s)).rejects.toMatchObject({ code: 'BAD_INPUT' })
    await expect(setFlag('reviews', 'off', 'ada', s)).rejects.toBeInstanceOf(AppError)
    const { flags } = await listFlags(s)
    expect(flags.every((f) => f.enabled && f.changedBy === null)).toBe(true)
  })

  it('fall back to their defaults when Redis is down, and say so', async () => {
    const name = unique('flags-down')
    await setFlag('reviews', false, 'ada', createSettingsHash({ name, onError: 'defaults' }))
    const down = createSettingsHash({ name, onError: 'defaults', redis: deadRedis(), timeoutMs: 300 })
    const { flags, source } = await listFlags(down)
    expect(source).toBe('fallback')
    expect(flags.find((f) => f.name === 'reviews')!.enabled).toBe(true)
    await expect(setFlag('reviews', false, 'ada', down)).rejects.toMatchObject({ code: 'UNAVAILABLE' })
  })
})

describe('fault injection', () => {
  it('defaults to no faults; a delay and a failure can be set and are validated', async () => {
    const s = settings()
    expect(await currentFaults(s)).toEqual({ reviewsDelayMs: 0, recommendationsFail: false })
    await setFault({ name: 'reviewsDelayMs', value: 5_000 }, 'ada', s)
    await setFault({ name: 'recommendationsFail', value: true }, 'ada', s)
    expect(await currentFaults(s)).toEqual({ reviewsDelayMs: 5_000, recommendationsFail: true })
    expect((await listFaults(s)).find((f) => f.name === 'reviewsDelayMs')).toMatchObject({ changedBy: 'ada', value: 5_000 })

    await expect(setFault({ name: 'reviewsDelayMs', value: -1 }, 'ada', s)).rejects.toMatchObject({ code: 'BAD_INPUT' })
    await expect(setFault({ name: 'reviewsDelayMs', value: 10 ** 9 }, 'ada', s)).rejects.toMatchObject({ code: 'BAD_INPUT' })
    await expect(setFault({ name: 'checkoutExplodes', value: true }, 'ada', s)).rejects.toMatchObject({ code: 'BAD_INPUT' })
    expect(await currentFaults(s)).toEqual({ reviewsDelayMs: 5_000, recommendationsFail: true })
  })
})
