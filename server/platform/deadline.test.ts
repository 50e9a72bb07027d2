/**
 * withDeadline against the run's real Redis, through the app's own Upstash client (the path
 * every settings read, cache read and rate limit takes). The event loop is blocked on purpose,
 * the way a burst of checkouts blocks it on 2 cores.
 */
import { describe, expect, it } from 'vitest'
import { withDeadline } from './deadline'
import { redis } from './redis'

/** Keeps this process busy for `ms`, as a burst of requests would (nothing else runs meanwhile). */
function blockEventLoop(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end) {
    // busy
  }
}

describe('withDeadline', () => {
  it('does not report a timeout for a Redis call this process was too busy to send or read', async () => {
    await redis.ping() // a warm connection, like a serving process has
    const answers: string[] = []
    for (let i = 0; i < 10; i++) {
      const guarded = withDeadline(redis.ping(), 100, () => new Error('timed out'))
      blockEventLoop(300) // three deadlines long
      answers.push(await guarded.catch((error: Error) => error.message))
    }
    expect(answers).toEqual(Array(10).fill('PONG'))
  })

  it('refuses a dependency that never answers, with the caller\'s error', async () => {
    await expect(withDeadline(new Promise<never>(() => {}), 50, () => new Error('payment provider did not answer within 50 ms'))).rejects.toThrow(
      'payment provider did not answer within 50 ms',
    )
  })

  it('passes the dependency\'s own failure through unchanged', async () => {
    await expect(withDeadline(Promise.reject(new Error('WRONGTYPE')), 1_000, () => new Error('timed out'))).rejects.toThrow('WRONGTYPE')
  })
})
