/**
 * One deadline on one promise, for every place that bounds a call to Redis, PostgreSQL or the
 * payment provider (settings reads, the cache, the rate limiter, readiness checks, the provider).
 *
 * Why hand-written rather than `p-timeout`: the deadline must count the time the dependency had
 * to answer, not the time this process was too busy to send the request or read the reply. A
 * plain `setTimeout` race counts wall time: under a burst (300 checkouts on 2 cores) the event
 * loop is blocked for hundreds of ms, the request is still unsent or its reply unread in the
 * socket, and the timer — which Node runs before I/O in each turn — declares a timeout. The CI
 * run of 2026-11-30 failed that way: the waiting-room settings read "timed out" under a
 * 300-buyer burst, the store fell back to the default mode and queued buyers the operator had set
 * to "off"; the drill's checkout 503s came from the rate limiter "timing out" the same way.
 *
 * So the deadline is a chain of short timers ({@link DEADLINE_TICK_MS}). Each firing credits the
 * time since the last one, but at most twice the step: a turn in which the loop was blocked
 * counts as one step, not as its whole length. Once `ms` is credited the rejection is scheduled
 * with `setImmediate`, after that turn's I/O, so a reply that landed in time still wins. With an
 * idle loop a silent dependency fails after `ms` (plus timer slack); with a blocked loop, later.
 */

/** The step of the deadline's timer chain (ms). */
export const DEADLINE_TICK_MS = 25

/**
 * Resolves as `pending` does, or rejects with `onTimeout()` once `ms` milliseconds of
 * responsive event-loop time passed without an answer (see above). The pending call is not
 * cancelled; a late rejection of it is swallowed (no one is left to tell).
 */
export async function withDeadline<T>(pending: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  let immediate: NodeJS.Immediate | undefined
  const deadline = new Promise<never>((_, reject) => {
    let credited = 0
    let last = performance.now()
    const arm = () => {
      const step = Math.max(1, Math.min(DEADLINE_TICK_MS, ms - credited))
      timer = setTimeout(() => {
        const now = performance.now()
        credited += Math.min(now - last, 2 * step)
        last = now
        if (credited >= ms) immediate = setImmediate(() => reject(onTimeout()))
        else arm()
      }, step)
    }
    arm()
  })
  try {
    return await Promise.race([pending, deadline])
  } finally {
    clearTimeout(timer)
    if (immediate) clearImmediate(immediate)
    pending.catch(() => {})
  }
}
