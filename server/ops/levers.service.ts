/**
 * The levers panel of /ops in one read: feature flags, injected faults, rate-limit limits and
 * the simulated payment provider's settings, each with who changed it and when. The writes
 * are the owning modules' own services (flags.ts, faults.ts, ratelimit.ts, payments).
 */
import { getPaymentSettings } from '../payments/payment-settings.service'
import { listFaults } from '../platform/faults'
import { listFlags } from '../platform/flags'
import { listRateLimits } from '../platform/ratelimit'
import type { Levers } from './ops.schema'

export async function levers(): Promise<Levers> {
  const [flags, faults, rateLimits, payments] = await Promise.all([listFlags(), listFaults(), listRateLimits(), getPaymentSettings()])
  return {
    flags: flags.flags,
    faults,
    rateLimits: rateLimits.policies,
    payments,
    settingsSource: flags.source === 'redis' && rateLimits.source === 'redis' ? 'redis' : 'fallback',
  }
}
