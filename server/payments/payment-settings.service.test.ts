/**
 * Runtime payment settings in real Redis (this run's key prefix): defaults, validated
 * updates (what the ops dashboard will send), bad stored values, reset.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { key, redis } from '../platform/redis'
import { AppError } from '../platform/errors'
import { defaultPaymentSettings, getPaymentSettings, resetPaymentSettings, SETTINGS_CACHE_MS, updatePaymentSettings } from './payment-settings.service'

/** A read that ignores this process's cache, as another worker process would see it. */
const fresh = () => getPaymentSettings(Date.now() + SETTINGS_CACHE_MS + 1)

afterAll(async () => {
  await resetPaymentSettings()
})

describe('payment settings', () => {
  it('are the environment defaults while nothing is stored', async () => {
    await resetPaymentSettings()
    expect(await fresh()).toEqual(defaultPaymentSettings())
    expect(defaultPaymentSettings()).toEqual({ latencyP50Ms: 80, latencyP99Ms: 1_500, transientErrorRate: 0.02, declineRate: 0.03 })
  })

  it('take a partial update, merged and stored for every worker to read', async () => {
    await resetPaymentSettings()
    const updated = await updatePaymentSettings({ latencyP50Ms: 400, latencyP99Ms: 4_000 })
    expect(updated).toEqual({ ...defaultPaymentSettings(), latencyP50Ms: 400, latencyP99Ms: 4_000 })
    expect(await fresh()).toEqual(updated)
    expect(await redis.get(key('payments', 'settings'))).toEqual(updated)
  })

  it.each([
    [{ declineRate: 2 }, /declineRate/],
    [{ transientErrorRate: -0.1 }, /transientErrorRate/],
    [{ latencyP50Ms: 1.5 }, /latencyP50Ms/],
    [{ latencyP99Ms: 10 }, /latencyP99Ms must be at least latencyP50Ms/],
    [{ speed: 'warp' }, /settings|speed/],
    ['slow', /settings/],
  ])('refuse %j with BAD_INPUT naming the field, storing nothing', async (patch, message) => {
    await resetPaymentSettings()
    const error = await updatePaymentSettings(patch).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('BAD_INPUT')
    expect((error as AppError).message).toMatch(message)
    expect(await redis.get(key('payments', 'settings'))).toBeNull()
  })

  it('keep the last good value when the stored one is broken', async () => {
    await resetPaymentSettings()
    const good = await updatePaymentSettings({ declineRate: 0.5 })
    await redis.set(key('payments', 'settings'), { declineRate: 'lots' })
    expect(await fresh()).toEqual(good)
  })
})
