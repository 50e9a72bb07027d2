/**
 * Reads every operator setting once when a process starts (web and API service), before it
 * takes traffic: flags, injected faults, rate-limit overrides and the waiting room. A request's
 * own read waits at most 500 ms for Redis (runtime-settings.ts); the first burst on a fresh
 * process could miss that and serve with the defaults — the waiting room "auto" while the
 * operator set "off". Once read, a Redis failure keeps the last values (`onError: 'last-known'`),
 * so an instance that starts during a sale obeys the levers from its first request.
 */
import { logger } from '../platform/logger'
import { faultSettings } from '../platform/faults'
import { flagSettings } from '../platform/flags'
import { rateLimitOverrides } from '../platform/ratelimit'
import { settingsStore as waitingRoomSettings } from '../waiting-room/waiting-room.settings-store'

/** How long a starting process waits for Redis to answer its settings read (ms); then it starts anyway. */
export const PRIME_SETTINGS_DEADLINE_MS = 3_000

const log = logger.child({ module: 'prime-settings' })

/**
 * Reads the four settings hashes in parallel, each bounded by `deadlineMs`. Never throws:
 * resolves with the names whose read failed (empty when all were read), and logs them.
 */
export async function primeOperatorSettings(deadlineMs = PRIME_SETTINGS_DEADLINE_MS): Promise<string[]> {
  const stores = { flags: flagSettings, faults: faultSettings, rateLimitOverrides, waitingRoom: waitingRoomSettings }
  const reads = await Promise.all(Object.entries(stores).map(async ([name, store]) => [name, (await store.prime(deadlineMs)).source] as const))
  const failed = reads.filter(([, source]) => source !== 'redis').map(([name]) => name)
  if (failed.length > 0) log.warn({ failed }, 'operator settings unread at start: their defaults answer until Redis does')
  return failed
}
