/**
 * Arranging a test that asserts where a rate limit starts refusing.
 *
 * @upstash/ratelimit counts in windows that start at multiples of the window's length since the
 * epoch (`Math.floor(now / windowMs)`, the store's clock: the same machine's as the test's). A
 * fixed window starts over at that instant. A sliding window weighs the previous window's count
 * by the share of the current one still to come, rounded down, so one millisecond after the
 * instant a window that was full counts one less and lets one more through. A test that expects
 * "N answered, then refused" straddling that instant sees one or more extra answers: the
 * library's documented approximation, not a fault of ours, and a test that fails on a
 * coincidence of the clock (a CI run on 2026-12-01 did, in e2e/smoke/checkout.spec.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { policyWindowMs, type PolicyName } from '../server/platform/rate-limit-policies'

/**
 * Resolves once at least `needMs` (ms) of the policy's current window are still to come: at
 * once, or after waiting for the next window to begin (at most `needMs` + 50 ms).
 * Throws when `needMs` is not shorter than the window itself (the test could never fit).
 */
export async function insideOneLimitWindow(policy: PolicyName, needMs: number): Promise<void> {
  const windowMs = policyWindowMs(policy)
  if (needMs >= windowMs) throw new Error(`${policy}: a test needing ${needMs} ms cannot fit in its ${windowMs} ms window`)
  const left = windowMs - (Date.now() % windowMs)
  if (left < needMs) await sleep(left + 50)
}
