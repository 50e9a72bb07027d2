/**
 * A lease in Redis: one holder at a time for a job the fleet must do exactly once per
 * period (the sale-day signal sampler). `hold()` takes the lease when it is free or renews
 * it when we already hold it, in one script; a holder that dies simply stops renewing and
 * another process takes over once `ttlMs` passed. Hand-written (a script of four lines):
 * Redlock-style libraries speak ioredis, not the Upstash REST client, and solve a harder
 * problem (mutual exclusion across Redis nodes) than "who samples this slot".
 */
import type { Redis } from '@upstash/redis'

const HOLD_LUA = `
local holder = redis.call('GET', KEYS[1])
if not holder or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`

export interface Lease {
  /** Takes or renews the lease for `ttlMs`; resolves whether this owner holds it now. Redis errors reject. */
  hold(): Promise<boolean>
  /** Gives the lease up if we hold it (a clean shutdown hands over at once). */
  release(): Promise<void>
}

export function createLease(redis: Redis, key: string, owner: string, ttlMs: number): Lease {
  const holdScript = redis.createScript<number>(HOLD_LUA)
  const releaseScript = redis.createScript<number>(RELEASE_LUA)
  return {
    async hold() {
      return Number(await holdScript.exec([key], [owner, String(ttlMs)])) === 1
    },
    async release() {
      await releaseScript.exec([key], [owner])
    },
  }
}
