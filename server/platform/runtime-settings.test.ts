/**
 * What an operator's setting does when Redis stalls, against the run's real Redis: the Upstash
 * client reaches the gateway through a TCP proxy (testing/tcp-proxy.ts) whose latency the test
 * turns up, so Redis itself is never touched.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from '@upstash/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTcpProxy, type TcpProxy } from '../../testing/tcp-proxy'
import { upstash } from '../env'
import { createSettingsHash, SETTINGS_MAX_AGE_MS, type SettingsHashOptions } from './runtime-settings'

let proxy: TcpProxy
let slowable: Redis

beforeAll(async () => {
  proxy = await startTcpProxy(Number(new URL(upstash.url).port))
  slowable = new Redis({ url: `http://127.0.0.1:${proxy.port}`, token: upstash.token, retry: { retries: 0 } })
})
afterAll(async () => {
  await proxy.close()
})

/** A hash named for this test, written with 'mode' = 'off' by an operator through the real gateway. */
async function operatorSetOff(onError: SettingsHashOptions['onError']) {
  const name = `settings-stall-${randomBytes(4).toString('hex')}`
  await createSettingsHash({ name, onError: 'defaults' }).set('mode', 'off', 'ada')
  let now = 1_000_000
  const here = createSettingsHash({ name, onError, redis: slowable, timeoutMs: 200, now: () => now })
  return { here, later: () => (now += SETTINGS_MAX_AGE_MS + 1) }
}

describe('runtime settings through a Redis stall', () => {
  it("'last-known' keeps the operator's value once read at start; 'defaults' drops it", async () => {
    proxy.setLatency(0)
    const kept = await operatorSetOff('last-known')
    const dropped = await operatorSetOff('defaults')
    for (const { here } of [kept, dropped]) {
      const primed = await here.prime(2_000)
      expect(primed.source).toBe('redis')
      expect(primed.entries.get('mode')).toMatchObject({ value: 'off', by: 'ada' })
    }

    proxy.setLatency(5_000) // Redis stalls
    kept.later()
    dropped.later()
    const [keptRead, droppedRead] = await Promise.all([kept.here.read(), dropped.here.read()])
    expect(keptRead.source).toBe('fallback')
    expect(keptRead.entries.get('mode')?.value).toBe('off')
    expect(droppedRead.source).toBe('fallback')
    expect(droppedRead.entries.get('mode')).toBeUndefined()
    proxy.setLatency(0)
  })

  it('a process that never read its settings answers the defaults while Redis stalls, and says so', async () => {
    const { here } = await operatorSetOff('last-known')
    proxy.setLatency(5_000)
    const read = await here.prime(300)
    expect(read.source).toBe('fallback')
    expect(read.entries.size).toBe(0)
    proxy.setLatency(0)
  })
})
