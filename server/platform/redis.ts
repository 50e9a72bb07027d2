/**
 * The app's Redis client: @upstash/redis over REST, created once per process.
 * Locally it reaches the real Redis through the project's Upstash-compatible gateway
 * (server/dev/gateway.ts); in production a real Upstash database. Every key the app
 * writes goes through `key()`, so a deployment or a test run owns its own prefix.
 */
import { Redis } from '@upstash/redis'
import { env, upstash } from '../env'

export const redis = new Redis({
  url: upstash.url,
  token: upstash.token,
  // Never retry blindly: a retried INCR/DECRBY can apply twice (upstash/redis-js#1455).
  // Callers that want retries do it themselves on idempotent commands.
  retry: { retries: 0 },
})

/** The deployment's key prefix (`REDIS_KEY_PREFIX`, default `sf:`). */
export const KEY_PREFIX = env.REDIS_KEY_PREFIX

export function key(...parts: Array<string | number>): string {
  return KEY_PREFIX + parts.join(':')
}
