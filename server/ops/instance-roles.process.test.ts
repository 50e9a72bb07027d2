/**
 * /ops lists every instance with its role (issue 16): a real `next start` store (web), a real
 * API service process and a real payment worker process on a world of their own (own
 * database and Redis key prefix). Each publishes snapshots; the dashboard's tRPC overview
 * lists each with its role, where it listens, its pid, and counts them per role. No replica is configured in this world, and
 * the overview says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentWorld, waitUntil, type PaymentWorld } from '../../testing/test-world'
import { startApiService, type RunningApi } from '../../testing/api-service'
import { adminClient } from '../../testing/test-ops'
import { currentStoreEnv } from '../../testing/test-store'
import type { TestShopper } from '../../testing/test-shopper'
import type { WorkerProcess } from '../launcher/worker-process'
import { SLOT_MS } from '../platform/request-stats'
import type { Overview } from './ops.schema'

/** Worker start plus a few publishing slots: how long both may take to appear. */
const LISTED_WITHIN_MS = 6 * SLOT_MS

let world: PaymentWorld
let worker: WorkerProcess
let api: RunningApi
let admin: TestShopper

beforeAll(async () => {
  world = await createPaymentWorld('roles')
  worker = await world.startWorker()
  api = await startApiService('auto', { ...currentStoreEnv(), databaseUrl: world.database.url, keyPrefix: world.keyPrefix })
  admin = await adminClient(world.store.url)
}, 180_000)

afterAll(async () => {
  await api?.stop()
  await world?.close()
})

async function overview(): Promise<Overview> {
  const answer = await admin.query<Overview>('ops.overview')
  expect(answer.status, JSON.stringify(answer.error)).toBe(200)
  return answer.data!
}

/** Polls the overview until `ok` holds; fails at LISTED_WITHIN_MS showing the last one. */
async function overviewUntil(what: string, ok: (o: Overview) => boolean): Promise<Overview> {
  let last: Overview | null = null
  await waitUntil(
    async () => ok((last = await overview())),
    LISTED_WITHIN_MS,
    async () => `${what}: last overview listed ${JSON.stringify(last?.instances)} roles ${JSON.stringify(last?.roles)} replica ${JSON.stringify(last?.figures.replica)}`,
  )
  return last!
}

describe('/ops instances by role', () => {
  it('lists the web store, the API service and the worker, each with its role, address, pid and start time, and counts them per role', async () => {
    // The list updates at each publish; an instance's figures once its first slot has closed and been read.
    const figured = (o: Overview) => o.instances.every((i) => o.figures.instances.some((f) => f.id === i.id))
    const seen = await overviewUntil('one web, one api and one worker, live, with their figures', (o) => o.roles.web === 1 && o.roles.api === 1 && o.roles.worker === 1 && figured(o))
    const web = seen.instances.find((i) => i.role === 'web')!
    const work = seen.instances.find((i) => i.role === 'worker')!
    const served = seen.instances.find((i) => i.role === 'api')!
    expect(web).toMatchObject({ live: true, pid: world.store.process.pid, address: new URL(world.store.url).host })
    expect(work).toMatchObject({ live: true, pid: worker.child.pid, address: 'worker' })
    expect(served).toMatchObject({ live: true, pid: api.process.pid, address: new URL(api.url).host })
    for (const i of [web, served, work]) {
      expect(i.startedAt).toBeGreaterThan(0)
      expect(i.startedAt).toBeLessThanOrEqual(seen.generatedAt.getTime())
    }
    expect(seen.roles).toEqual({ web: 1, api: 1, worker: 1, unknown: 0 })
    // The per-instance figures (rps, event loop, RSS) are there for both.
    expect(seen.figures.instances.find((i) => i.id === work.id)!.rssMb).toBeGreaterThan(0)
  })

  it('says plainly that no replica is configured: catalog reads are counted on the primary', async () => {
    await admin.query('catalog.search', { q: `roles-${Date.now().toString(36)}` })
    const seen = await overviewUntil('the web store and API service reporting no replica, with a catalog read', (o) => o.figures.replica.instances.none === 2 && o.figures.replica.reads['5m'].primary > 0)
    // The web store and the API service both report it; the worker makes no catalog reads.
    expect(seen.figures.replica).toMatchObject({ target: 'none', lagMs: null, reason: null, instances: { replica: 0, 'primary-fallback': 0, none: 2 } })
    expect(seen.figures.replica.reads['5m']).toMatchObject({ replica: 0, primaryFallback: 0 })
    expect(seen.alerts.filter((a) => a.panel === 'replica')).toEqual([])
  })
})
