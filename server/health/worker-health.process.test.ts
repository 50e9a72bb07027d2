/**
 * A real payment worker process answers the health probes on its metrics port (what
 * deploy/k8s/worker.yaml probes), next to /metrics. It runs on a database and key prefix of
 * its own, so it never drains this run's payment jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { env } from '../env'
import { waitForHttp } from '../dev/next-process'
import { freePort } from '../dev/port-free'
import { createTestDatabase, deleteKeysWithPrefix, uniqueKeyPrefix, type TestDatabase } from '../dev/test-services'
import { spawnWorker, type WorkerProcess } from '../dev/worker-process'
import { HEALTH_PATHS } from './health-paths'

describe('the worker process', () => {
  let database: TestDatabase
  let worker: WorkerProcess
  let base: string
  const keyPrefix = uniqueKeyPrefix('worker-health')
  beforeAll(async () => {
    database = await createTestDatabase(env.DATABASE_URL, 'sf_test_worker_health')
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    worker = spawnWorker({ DATABASE_URL: database.url, REDIS_KEY_PREFIX: keyPrefix, WORKER_METRICS_PORT: String(port), BIND_HOST: '127.0.0.1' })
    await worker.ready
    // The metrics port starts listening beside the pool, not before "ready": wait for it, as a probe retries.
    await waitForHttp(`${base}${HEALTH_PATHS.live}`, worker.child)
  })
  afterAll(async () => {
    await worker?.stop()
    await database?.drop()
    await deleteKeysWithPrefix(env.REDIS_URL, keyPrefix)
  })

  it('answers liveness and readiness on its metrics port; /metrics still wants the token', async () => {
    const live = await fetch(`${base}${HEALTH_PATHS.live}`)
    expect(live.status).toBe(200)
    const ready = await fetch(`${base}${HEALTH_PATHS.ready}`)
    expect(ready.status).toBe(200)
    expect(ready.headers.get('cache-control')).toBe('no-store')
    expect(await ready.json()).toMatchObject({ status: 'ready', failed: [], checks: { database: { ok: true }, redis: { ok: true } } })
    expect((await fetch(`${base}/metrics`)).status).toBe(401)
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404)
  })
})
