/**
 * The app's Redis client: @upstash/redis over REST, created once per process.
 * Locally it reaches the real Redis through the project's Upstash-compatible gateway
 * (server/gateway/gateway.ts); in production a real Upstash database. Every key the app
 * writes goes through `key()`, so a deployment or a test run owns its own prefix.
 */
import { Redis } from '@upstash/redis'
import { env, upstash } from '../env'

/**
 * Longest a single Redis REST call may take before it fails: a Redis that is down or
 * drowning must cost a request this much at most, not the client's open-ended wait.
 */
export const REDIS_REQUEST_TIMEOUT_MS = 1_000

export const redis = new Redis({
  url: upstash.url,
  token: upstash.token,
  // Never retry blindly: a retried INCR/DECRBY can apply twice (upstash/redis-js#1455).
  // Callers that want retries do it themselves on idempotent commands.
  retry: { retries: 0 },
  signal: () => AbortSignal.timeout(REDIS_REQUEST_TIMEOUT_MS),
})

/**
 * True when `error` (or its cause) means Redis could not be reached — a network failure, a
 * timeout, or the gateway saying it cannot reach Redis — as opposed to a bug such as a
 * wrong-type command. The tRPC layer answers these with 503 + Retry-After (shedding), not 500.
 */
export function isRedisUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return true
    if (e instanceof TypeError && /fetch failed/i.test(e.message)) return true
    if (/cannot reach Redis|ECONNREFUSED|ECONNRESET|socket hang up/i.test(e.message)) return true
  }
  return false
}

/** The deployment's key prefix (`REDIS_KEY_PREFIX`, default `sf:`). */
export const KEY_PREFIX = env.REDIS_KEY_PREFIX

export function key(...parts: Array<string | number>): string {
  return KEY_PREFIX + parts.join(':')
}
