/**
 * The health endpoints of a real store (our server on the test build) over HTTP: what a
 * Kubernetes probe or the edge sees when everything answers, when Redis or PostgreSQL does
 * not, and that probes are never rate-limited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../launcher/port-free'
import { currentStoreEnv, startStore, testStoreUrl, type RunningStore } from '../../testing/test-store'
import { POLICIES } from '../platform/rate-limit-policies'
import { HEALTH_PATHS } from './health-paths'
import type { ReadinessReport } from './readiness'

type Answer = { status: number; cacheControl: string | null; body: ReadinessReport }

async function ask(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${baseUrl}${path}`, { headers })
  return { status: res.status, cacheControl: res.headers.get('cache-control'), body: (await res.json()) as ReadinessReport }
}

/** Attempts at a readiness answer naming exactly the expected checks, and the pause between them. */
const READY_ATTEMPTS = 10
const READY_ATTEMPT_PAUSE_MS = 500

/**
 * Asks readiness until `failed` is exactly `expected`, at most READY_ATTEMPTS times; returns the
 * last answer. Every answer must already name each expected check: only a check that timed
 * out on this busy machine (a blocked event loop fires the deadline first) may come and go.
 */
async function readinessNaming(baseUrl: string, expected: string[]): Promise<Answer> {
  let answer = await ask(baseUrl, HEALTH_PATHS.ready)
  for (let attempt = 1; attempt < READY_ATTEMPTS && answer.body.failed.join() !== expected.join(); attempt++) {
    for (const name of expected) expect(answer.body.failed).toContain(name)
    await new Promise((r) => setTimeout(r, READY_ATTEMPT_PAUSE_MS))
    answer = await ask(baseUrl, HEALTH_PATHS.ready)
  }
  return answer
}

describe('health endpoints, everything up', () => {
  it('readiness answers 200 with each check passed, never cacheable', async () => {
    const ready = await readinessNaming(testStoreUrl(), [])
    expect(ready.status).toBe(200)
    expect(ready.cacheControl).toBe('no-store')
    expect(ready.body.status).toBe('ready')
    expect(ready.body.failed).toEqual([])
    expect(Object.keys(ready.body.checks).sort()).toEqual(['build', 'database', 'redis'])
    for (const check of Object.values(ready.body.checks)) expect(check.ok).toBe(true)
  })

  it('liveness answers 200, never cacheable', async () => {
    const live = await ask(testStoreUrl(), HEALTH_PATHS.live)
    expect(live).toEqual({ status: 200, cacheControl: 'no-store', body: { status: 'live' } })
  })

  it('probes are not rate-limited: more than the browse limit from one address all answer 200', async () => {
    const headers = { 'x-forwarded-for': '10.249.0.1' }
    const count = POLICIES.browse.limit + 1
    const statuses: number[] = []
    const PROBE_CONCURRENCY = 16
    for (let sent = 0; sent < count; sent += PROBE_CONCURRENCY) {
      const batch = Array.from({ length: Math.min(PROBE_CONCURRENCY, count - sent) }, () =>
        fetch(`${testStoreUrl()}${HEALTH_PATHS.live}`, { headers }).then(async (r) => (await r.arrayBuffer(), r.status)),
      )
      statuses.push(...(await Promise.all(batch)))
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([])
    // Readiness from the same address is not refused either (200, or 503 only if a check timed out here).
    expect((await ask(testStoreUrl(), HEALTH_PATHS.ready, headers)).status).not.toBe(429)
  })
})

describe('health endpoints, a dependency unreachable', () => {
  let redisDown: RunningStore
  let databaseDown: RunningStore
  beforeAll(async () => {
    // Ports nothing listens on: the Upstash gateway for one store, PostgreSQL for the other.
    const [deadGateway, deadPostgres] = [await freePort(), await freePort()]
    const base = currentStoreEnv()
    ;[redisDown, databaseDown] = await Promise.all([
      startStore('auto', { ...base, gatewayPort: deadGateway }),
      startStore('auto', { ...base, databaseUrl: `postgresql://postgres@127.0.0.1:${deadPostgres}/unreachable` }),
    ])
  })
  afterAll(async () => {
    await Promise.all([redisDown?.stop(), databaseDown?.stop()])
  })

  it('Redis unreachable: readiness 503 naming redis, the database check still passes, liveness 200', async () => {
    const ready = await readinessNaming(redisDown.url, ['redis'])
    expect(ready.status).toBe(503)
    expect(ready.cacheControl).toBe('no-store')
    expect(ready.body).toMatchObject({ status: 'not-ready', failed: ['redis'] })
    expect(ready.body.checks.redis?.error).toMatch(/unreachable|timed out/)
    expect(ready.body.checks.database?.ok).toBe(true)
    expect((await ask(redisDown.url, HEALTH_PATHS.live)).status).toBe(200)
  })

  it('PostgreSQL unreachable: readiness 503 naming database, with no address in the answer', async () => {
    const ready = await readinessNaming(databaseDown.url, ['database'])
    expect(ready.status).toBe(503)
    expect(ready.body).toMatchObject({ status: 'not-ready', failed: ['database'] })
    expect(ready.body.checks.database?.error).toBe('unreachable (ECONNREFUSED)')
    expect(JSON.stringify(ready.body)).not.toMatch(/127\.0\.0\.1|postgres(ql)?:\/\//)
    expect(ready.body.checks.redis?.ok).toBe(true)
    expect((await ask(databaseDown.url, HEALTH_PATHS.live)).status).toBe(200)
  })
})
