import { describe, expect, it } from 'vitest'
import { key, redis } from '../platform/redis'
import { SESSION_TTL_SECONDS, touchSession, TOUCH_INTERVAL_MS } from './session.service'

describe('session sliding expiry', () => {
  it('an active session is pushed back to 1 h, at most one Redis write per interval', async () => {
    const sid = `test-${crypto.randomUUID()}`
    const t0 = 1_000_000
    await touchSession(sid, t0)
    expect(await redis.ttl(key('session', sid))).toBeGreaterThan(SESSION_TTL_SECONDS - 5)

    await redis.expire(key('session', sid), 100)
    await touchSession(sid, t0 + TOUCH_INTERVAL_MS / 2)
    expect(await redis.ttl(key('session', sid))).toBeLessThanOrEqual(100) // within the interval: no write

    await touchSession(sid, t0 + TOUCH_INTERVAL_MS + 1)
    expect(await redis.ttl(key('session', sid))).toBeGreaterThan(SESSION_TTL_SECONDS - 5) // slid back out
    await redis.del(key('session', sid))
  })
})
