/**
 * The levers panel of /ops in one read: feature flags, injected faults, rate-limit limits,
 * the simulated payment provider's settings and the open admin sessions, each with who changed it and when. The writes
 * are the owning modules' own services (flags.ts, faults.ts, ratelimit.ts, payments).
 */
import { openAdminSessions } from '../auth/admin-session.service'
import { getPaymentSettings } from '../payments/payment-settings.service'
import { listFaults } from '../platform/faults'
import { listFlags } from '../platform/flags'
import { listRateLimits } from '../platform/ratelimit'
import type { Levers } from './ops.schema'

export async function levers(): Promise<Levers> {
  const [flags, faults, rateLimits, payments, openSessions] = await Promise.all([
    listFlags(),
    listFaults(),
    listRateLimits(),
    getPaymentSettings(),
    openAdminSessions(),
  ])
  return {
    flags: flags.flags,
    faults,
    rateLimits: rateLimits.policies,
    payments,
    adminSessions: { open: openSessions },
    settingsSource: flags.source === 'redis' && rateLimits.source === 'redis' ? 'redis' : 'fallback',
  }
}
