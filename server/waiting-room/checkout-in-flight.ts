/**
 * This process's checkouts in flight (past the waiting room, not yet answered): the waiting
 * room's saturation signal in auto mode. A number on globalThis, so every Next route bundle
 * counts into the same one.
 */

/**
 * In-flight checkouts on one instance from which the waiting room starts queueing (auto mode).
 * From `npm run bench` (docs/PERFORMANCE.md, hot-SKU checkout over HTTP): 32 concurrent buyers
 * gave the most orders/s (284 through Next on 2026-11-28; 218 folded on 2026-11-30), while 128
 * gave fewer (128 orders/s) and, through the API service, a 3× p99 (988 → 3,092 ms at 32 → 128
 * buyers). Past 32 in flight, more concurrency only adds waiting: those buyers wait in line.
 */
export const MAX_IN_FLIGHT_CHECKOUTS = 32

const KEY = Symbol.for('storefront.checkouts-in-flight')
const g = globalThis as unknown as { [KEY]?: { n: number } }
const counter = (g[KEY] ??= { n: 0 })

export function checkoutsInFlight(): number {
  return counter.n
}

/** Runs `work` counted as one checkout in flight. */
export async function countInFlight<T>(work: () => Promise<T>): Promise<T> {
  counter.n++
  try {
    return await work()
  } finally {
    counter.n--
  }
}
