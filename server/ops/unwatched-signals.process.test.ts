/**
 * The sale-day signals work with nobody watching (issue 12, case 6): a store and a real
 * worker process on a world of their own, a payment queue that backs up, and NO admin on
 * /ops. The fleet's signal sampler (in the worker, holding the lease) records the queue and
 * the alert states every slot; the store's /api/metrics exports them — the depth, the age
 * and both queue alerts firing — and they clear again once the queue drains. Only then does
 * an admin open the dashboard, and finds the history the fleet kept meanwhile.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { env } from '../env'
import { createPaymentWorld, type PaymentWorld } from '../../testing/test-world'
import { SLOT_MS } from '../platform/request-stats'
import { THRESHOLDS } from './alerts'
import type { Overview } from './ops.schema'
import { createSignalSampler, SAMPLER_LEASE_MS } from './signal-sampler'
import { adminClient } from '../../testing/test-ops'

/** Worker start plus a few sampling slots: how long the fleet may take to notice, unwatched. */
const NOTICED_WITHIN_MS = 8 * SLOT_MS
const BACKLOG = THRESHOLDS.queueReady + 100
/** A task no worker handles: its jobs stay due, as a stuck or drowning queue's would. */
const UNHANDLED_TASK = 'test.never-handled'
/** How long those jobs have been due when the test starts. */
const WAITED_S = 90

let world: PaymentWorld

beforeAll(async () => {
  world = await createPaymentWorld('signals')
}, 180_000)

afterAll(async () => {
  await world?.close()
})

async function metricsText(): Promise<string> {
  const res = await fetch(`${world.store.url}/api/metrics`, { headers: { authorization: `Bearer ${env.METRICS_TOKEN}` } })
  expect(res.status).toBe(200)
  return res.text()
}

const gauge = (text: string, series: string): number | null => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? null : Number(line.slice(series.length + 1))
}

/** Polls /api/metrics until `ok(text)` holds; fails at NOTICED_WITHIN_MS with the relevant lines. */
async function metricsUntil(what: string, ok: (text: string) => boolean): Promise<string> {
  const since = Date.now()
  for (;;) {
    const text = await metricsText()
    if (ok(text)) return text
    if (Date.now() - since > NOTICED_WITHIN_MS) {
      const lines = text.split('\n').filter((l) => /^storefront_fleet_(queue|alert|signals)/.test(l))
      throw new Error(`${what} not exported within ${NOTICED_WITHIN_MS} ms:\n${lines.join('\n')}`)
    }
    await sleep(500)
  }
}

describe('sale-day signals with nobody on /ops', () => {
  it('the queue backs up: /api/metrics shows depth, age and both alerts; they clear when it drains; /ops then shows the history', async () => {
    await world.sql(
      `SELECT graphile_worker.add_job($1, '{}'::json, run_at := now() - make_interval(secs => $3)) FROM generate_series(1, $2)`,
      [UNHANDLED_TASK, BACKLOG, WAITED_S],
    )
    const backedUpAt = Date.now()
    await world.startWorker()

    const text = await metricsUntil('the backlog and its alerts', (t) => gauge(t, 'storefront_fleet_queue_jobs{state="ready"}') === BACKLOG && t.includes('alert="queue-age"'))
    expect(gauge(text, 'storefront_fleet_queue_oldest_job_age_seconds')).toBeGreaterThanOrEqual(WAITED_S)
    expect(gauge(text, 'storefront_fleet_alert_firing{alert="queue-depth",panel="queue"}')).toBe(1)
    expect(gauge(text, 'storefront_fleet_alert_firing{alert="queue-age",panel="queue"}')).toBe(1)
    expect(gauge(text, 'storefront_fleet_alerts{panel="queue"}')).toBe(2)
    expect(gauge(text, 'storefront_fleet_signals_age_seconds')).toBeLessThan((3 * SLOT_MS) / 1000)
    // Nobody was watching: the store never served the dashboard's overview.
    expect(text).not.toMatch(/storefront_requests_total\{endpoint="ops\.overview"/)

    // The backlog clears (graphile-worker's public API: complete the jobs).
    await world.sql('SELECT graphile_worker.complete_jobs(array_agg(id)) FROM graphile_worker.jobs WHERE task_identifier = $1', [UNHANDLED_TASK])
    const drained = await metricsUntil('the drained queue', (t) => gauge(t, 'storefront_fleet_queue_jobs{state="ready"}') === 0 && !t.includes('alert="queue-depth"'))
    expect(drained).not.toContain('alert="queue-age"')

    const admin = await adminClient(world.store.url)
    const overview = (await admin.query<Overview>('ops.overview')).data!
    expect(overview.queue.sampledBy).toBe('fleet')
    const fired = overview.alertHistory.filter((slot) => slot.alerts.some((a) => a.id === 'queue-depth'))
    expect(fired.length).toBeGreaterThan(0)
    expect(fired[0]!.at).toBeGreaterThanOrEqual(backedUpAt - SLOT_MS)
    expect(overview.alertHistory.at(-1)!.alerts.map((a) => a.id)).not.toContain('queue-depth')
  })
})

describe('the signal sampler lease', () => {
  it('one process samples at a time; when it stops, another takes over', async () => {
    const quiet = async () => ({ ready: 0, scheduled: 0, running: 0, failed: 0, oldestReadySeconds: 0 })
    const a = createSignalSampler({ owner: 'sampler-a', sampleQueue: quiet })
    const b = createSignalSampler({ owner: 'sampler-b', sampleQueue: quiet })
    expect(await a.sampleOnce()).toBe(true)
    expect(await b.sampleOnce()).toBe(false)
    expect(await a.sampleOnce()).toBe(true) // renews its own lease
    await a.stop() // a clean stop hands the lease over at once…
    expect(await b.sampleOnce()).toBe(true)
    expect(await a.sampleOnce()).toBe(false)
    // …and a holder that dies without stopping loses it once the lease lapses.
    expect(SAMPLER_LEASE_MS).toBeLessThanOrEqual(3 * SLOT_MS)
    await b.stop()
  })
})
