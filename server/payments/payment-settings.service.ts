/**
 * Runtime settings of the simulated payment provider (latency, transient errors, declines).
 *
 * Read from Redis with the environment's values as defaults, and cached in process for
 * SETTINGS_CACHE_MS so a busy worker does not ask Redis on every charge; a change made
 * by the ops dashboard reaches every worker within that time. An unreachable Redis or a
 * stored value that no longer validates falls back to the last good value (or the defaults)
 * with a warning: a settings outage must never stop payments.
 */
import { env } from '../env'
import { AppError } from '../platform/errors'
import { logger } from '../platform/logger'
import { paymentSettingsPatch, paymentSettingsSchema, type PaymentSettings } from './payment-settings.schema'
import { deleteStoredSettings, readStoredSettings, writeStoredSettings } from './payment-settings.store'

/** How stale a worker's view of the settings may be. */
export const SETTINGS_CACHE_MS = 1_000

const log = logger.child({ module: 'payment-settings' })

let cached: { value: PaymentSettings; until: number } | null = null

/** The settings in force now: Redis overrides merged over the defaults. */
export async function getPaymentSettings(now = Date.now()): Promise<PaymentSettings> {
  if (cached && cached.until > now) return cached.value
  const defaults = defaultPaymentSettings()
  let value = cached?.value ?? defaults
  try {
    const stored = await readStoredSettings()
    if (stored === null) {
      value = defaults
    } else {
      const parsed = paymentSettingsSchema.safeParse({ ...defaults, ...(typeof stored === 'object' ? stored : {}) })
      if (parsed.success) value = parsed.data
      else log.warn({ issues: parsed.error.issues }, 'stored payment settings are invalid; keeping the previous ones')
    }
  } catch (error) {
    log.warn({ err: error }, 'payment settings unavailable; keeping the previous ones')
  }
  cached = { value, until: now + SETTINGS_CACHE_MS }
  return value
}

/**
 * Changes some settings (the ops dashboard's lever). The patch and the merged result are
 * validated; a bad value throws AppError('BAD_INPUT') naming the field, and nothing is stored.
 */
export async function updatePaymentSettings(patch: unknown): Promise<PaymentSettings> {
  const change = paymentSettingsPatch.safeParse(patch)
  if (!change.success) throw badInput(change.error.issues)
  cached = null
  const merged = paymentSettingsSchema.safeParse({ ...(await getPaymentSettings()), ...change.data })
  if (!merged.success) throw badInput(merged.error.issues)
  await writeStoredSettings(merged.data)
  cached = { value: merged.data, until: Date.now() + SETTINGS_CACHE_MS }
  log.info({ settings: merged.data }, 'payment settings changed')
  return merged.data
}

/** Drops the Redis overrides: the environment's defaults apply again. */
export async function resetPaymentSettings(): Promise<PaymentSettings> {
  await deleteStoredSettings()
  cached = null
  return getPaymentSettings()
}

function badInput(issues: Array<{ path: PropertyKey[]; message: string }>): AppError {
  const first = issues[0]
  const field = first?.path.map(String).join('.') || 'settings'
  return new AppError('BAD_INPUT', `Invalid payment setting ${field}: ${first?.message ?? 'invalid'}`, {
    details: { issues: issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) },
  })
}

/** The environment's defaults (PAYMENT_*), under any runtime override. */
export function defaultPaymentSettings(): PaymentSettings {
  return {
    latencyP50Ms: env.PAYMENT_LATENCY_P50_MS,
    latencyP99Ms: Math.max(env.PAYMENT_LATENCY_P99_MS, env.PAYMENT_LATENCY_P50_MS),
    transientErrorRate: env.PAYMENT_TRANSIENT_ERROR_RATE,
    declineRate: env.PAYMENT_DECLINE_RATE,
  }
}
