/**
 * The dashboard's one read: fleet figures (merged snapshots), the queue (as the fleet's
 * signal sampler recorded it, or sampled here when no sampler runs), orders, payment wait,
 * hot SKUs, the alerts they raise and the alert history the sampler kept. Cached OVERVIEW_CACHE_MS per process and
 * single-flight, so any number of admins cost one fleet read and three small queries per
 * refresh. Each source fails on its own: Redis down → this instance's figures and a Redis
 * alert; PostgreSQL down → the database panels say so; never a crashed dashboard.
 */
import { SLOT_MS } from '../platform/request-stats'
import { runtimeMode } from '../platform/runtime-mode'
import { evaluateAlerts, THRESHOLDS } from './alerts'
import { createFleetReader, type FleetRead, type FleetReader, type InstanceView } from './fleet-reader'
import type { AlertSample, QueueSample } from './metrics-snapshot'
import * as repo from './ops.repo'
import type { Overview } from './ops.schema'
import { sampleQueue } from './queue-sampler'
import { runningPublisher } from './snapshot-publisher'

export const OVERVIEW_CACHE_MS = 2_000
/** Window of the hot-SKU order rates. */
export const HOT_SKU_WINDOW_MS = 5 * 60_000
/** Best sellers listed beside the doorbusters. */
export const TOP_SELLERS = 5
/** The fleet sampler's figures are used while its last sample is at most this old (three slots). */
export const SIGNALS_FRESH_MS = 3 * SLOT_MS

export interface LatestSignals {
  queue: { at: number; sample: QueueSample } | null
  alerts: AlertSample | null
  /** The sampler recorded a slot within SIGNALS_FRESH_MS. */
  fresh: boolean
}

/** The newest queue and alert states the fleet's signal sampler recorded in `fleet`'s window. */
export function latestSignals(fleet: FleetRead, now: number = Date.now()): LatestSignals {
  const alerts = fleet.alerts.at(-1) ?? null
  return { queue: fleet.queue.at(-1) ?? null, alerts, fresh: alerts !== null && now - alerts.at <= SIGNALS_FRESH_MS }
}

const READER = Symbol.for('storefront.fleetReader')
const g = globalThis as unknown as { [READER]?: FleetReader }

function reader(): FleetReader {
  return (g[READER] ??= createFleetReader({
    localSnapshots: () => runningPublisher()?.recent() ?? [],
    localInstance: () => runningPublisher()?.info ?? null,
  }))
}

/** A value computed at most once per OVERVIEW_CACHE_MS, shared by concurrent callers; a failure is not kept. */
function cachedFor<T>(compute: (now: number) => Promise<T>): (now?: number) => Promise<T> {
  let cached: { at: number; value: Promise<T> } | null = null
  return (now = Date.now()) => {
    if (cached && now - cached.at < OVERVIEW_CACHE_MS) return cached.value
    const value = compute(now)
    const entry = { at: now, value }
    cached = entry
    value.catch(() => {
      if (cached === entry) cached = null
    })
    return value
  }
}

/**
 * The fleet's merged figures alone (Redis only, no SQL): what /api/metrics serves, so a
 * scrape never adds PostgreSQL queries to the process it measures.
 */
export const fleetView: (now?: number) => Promise<FleetRead> = cachedFor((now) => reader().read(now))

/** Live instances per role, every role present (0 when none). */
export function countRoles(instances: readonly InstanceView[]): Overview['roles'] {
  const roles: Overview['roles'] = { web: 0, api: 0, worker: 0, unknown: 0 }
  for (const i of instances) if (i.live) roles[i.role] = (roles[i.role] ?? 0) + 1
  return roles
}

async function settled<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p
  } catch {
    return null
  }
}

async function build(now: number): Promise<Overview> {
  const since5m = new Date(now - HOT_SKU_WINDOW_MS)
  const fleet = await fleetView(now)
  const signals = latestSignals(fleet, now)
  const sampledByFleet = signals.fresh && signals.queue !== null
  const [queueNow, hot, lastMinute, last5Minutes, wait] = await Promise.all([
    sampledByFleet ? signals.queue!.sample : sampleQueue(now),
    settled(repo.findHotSkus(since5m, TOP_SELLERS)),
    settled(repo.countOrdersSince(new Date(now - 60_000))),
    settled(repo.countOrdersSince(since5m)),
    settled(repo.paymentWait(since5m)),
  ])
  const database = hot === null && lastMinute === null ? 'down' : 'up'
  const minutes = HOT_SKU_WINDOW_MS / 60_000
  const liveInstanceIds = new Set(fleet.instances.filter((i) => i.live).map((i) => i.id))
  return {
    generatedAt: new Date(now),
    runtime: runtimeMode(),
    source: fleet.source,
    redis: fleet.redis,
    database,
    slotMs: SLOT_MS,
    figures: fleet.figures,
    instances: fleet.instances,
    roles: countRoles(fleet.instances),
    queue: { now: queueNow, sampledBy: sampledByFleet ? 'fleet' : queueNow ? 'dashboard' : null, series: fleet.queue },
    orders: lastMinute === null || last5Minutes === null ? null : { lastMinute, last5Minutes },
    payments: wait === null ? null : { paid5m: wait.paid, p50Ms: wait.p50Ms, p95Ms: wait.p95Ms, p99Ms: wait.p99Ms },
    hotSkus: hot === null ? null : hot.map(({ orders, ...sku }) => ({ ...sku, ordersPerMinute: Math.round((orders / minutes) * 10) / 10 })),
    alerts: evaluateAlerts({ figures: fleet.figures, queue: queueNow, redis: fleet.redis, liveInstanceIds }),
    alertHistory: fleet.alerts.map((a) => ({ at: a.at, alerts: a.alerts.map(({ id, panel }) => ({ id, panel })) })),
    thresholds: { ...THRESHOLDS },
  }
}

/** The overview, at most OVERVIEW_CACHE_MS old. */
export const overview: (now?: number) => Promise<Overview> = cachedFor(build)

/** URLs of the live instances (for pre-warm); this instance's own when nothing else is known. */
export async function liveInstanceUrls(): Promise<string[]> {
  const fleet = await fleetView()
  const urls = fleet.instances.filter((i) => i.live && i.url).map((i) => i.url!)
  const own = runningPublisher()?.info.url
  return urls.length > 0 ? [...new Set(urls)] : own ? [own] : []
}
