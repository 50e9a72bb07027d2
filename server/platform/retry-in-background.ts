/**
 * Repairs that must happen even when Redis refused them the first time: the invalidations
 * that follow an admin change (drop a stale cache entry, publish page tags, reopen a
 * sold-out gate). `retryInBackground(id, attempt)` keeps calling `attempt` until it resolves
 * true, backing off from RETRY_FIRST_MS to RETRY_MAX_MS, and gives up after RETRY_GIVE_UP_MS
 * (longer than any TTL it could be racing: by then every stale entry has expired anyway).
 * One loop per `id`: a newer repair for the same id replaces the older one.
 *
 * Hand-written (about 40 lines) rather than p-retry: what matters here is the per-id
 * de-duplication, the fire-and-forget lifetime and the counters, not the retry arithmetic.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { logger } from './logger'
import { metrics } from './metrics'

export const RETRY_FIRST_MS = 200
export const RETRY_MAX_MS = 5_000
/** The longest cached copy a repair can be racing is a hot product's (10 min + stale window). */
export const RETRY_GIVE_UP_MS = 15 * 60_000

const log = logger.child({ module: 'retry-in-background' })
const STATE = Symbol.for('storefront.backgroundRetries')
const g = globalThis as unknown as { [STATE]?: Map<string, { generation: number }> }
const loops = (g[STATE] ??= new Map())

const count = (event: 'pending' | 'repaired' | 'abandoned') => metrics.cacheEvents.inc({ layer: 'repair', event })

/** Starts (or restarts) the repair loop `id`; returns at once. `attempt` resolves true when done. */
export function retryInBackground(id: string, attempt: () => Promise<boolean>): void {
  const mine = { generation: (loops.get(id)?.generation ?? 0) + 1 }
  loops.set(id, mine)
  count('pending')
  const started = Date.now()
  const run = async (delay: number): Promise<void> => {
    await sleep(delay, undefined, { ref: false })
    if (loops.get(id) !== mine) return // replaced by a newer repair of the same thing
    const done = await attempt().catch(() => false)
    if (done) {
      loops.delete(id)
      count('repaired')
      log.info({ id, afterMs: Date.now() - started }, 'deferred cache repair done')
      return
    }
    if (Date.now() - started > RETRY_GIVE_UP_MS) {
      loops.delete(id)
      count('abandoned')
      log.error({ id }, 'gave up a deferred cache repair: the entry expires by its TTL')
      return
    }
    await run(Math.min(delay * 2, RETRY_MAX_MS))
  }
  void run(RETRY_FIRST_MS)
}

/** Repairs still waiting in this process (for /ops and tests). */
export function pendingRepairs(): string[] {
  return [...loops.keys()]
}
