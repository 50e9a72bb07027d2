/**
 * The dashboard's fleet-wide figures as Prometheus gauges (`storefront_fleet_*`), from the
 * same cached fleet read /ops shows — so a scrape and the dashboard never disagree. Redis
 * only: a scrape never adds SQL to the process it measures. The queue and alert gauges are
 * what the fleet's signal sampler (signal-sampler.ts) recorded in its last slot, so they are
 * there whether or not anyone has /ops open; `storefront_fleet_signals_age_seconds` says how
 * old that is. Per-process counters stay on the app registry; these are added only to
 * /api/metrics of web instances. The waiting room's live figures join them
 * (`storefront_fleet_waiting_room_*`, waiting-room-prometheus.ts). The alert rules built on
 * them: deploy/prometheus/.
 */
import { Gauge, Registry } from 'prom-client'
import { WINDOW_SLOTS, type WindowName } from './metrics-snapshot'
import { evaluateAlerts } from './alerts'
import type { FleetRead } from './fleet-reader'
import { fleetView, latestSignals } from './overview.service'
import { waitingRoomFigures } from '../waiting-room/waiting-room-figures'
import { registerWaitingRoomGauges, sharedWaitingRoomRead, type WaitingRoomRead } from './waiting-room-prometheus'

const WINDOWS = Object.keys(WINDOW_SLOTS) as WindowName[]
const QUANTILES = [
  ['0.5', 'p50Ms'],
  ['0.95', 'p95Ms'],
  ['0.99', 'p99Ms'],
  ['1', 'maxMs'],
] as const

/**
 * Empties an unlabelled gauge before a collect: prom-client's reset() leaves it at 0, which a
 * rule reads as a value ("signals sampled 0 s ago"); after remove() it is absent until set, so
 * `absent(...)` in the alert rules sees what is really missing.
 */
function clearUnlabelled(gauge: Gauge): void {
  gauge.reset()
  gauge.remove()
}

function createFleetRegistry(read: () => Promise<FleetRead>, waitingRoom: WaitingRoomRead): Registry {
  const registry = new Registry()
  new Gauge({
    name: 'storefront_fleet_requests',
    help: 'Requests served by the whole fleet in the window, per endpoint and outcome',
    labelNames: ['endpoint', 'window', 'outcome'] as const,
    registers: [registry],
    async collect() {
      this.reset()
      for (const e of (await read()).figures.endpoints) {
        for (const window of WINDOWS) {
          const w = e.windows[window]
          for (const outcome of ['ok', 'client', 'shed', 'server'] as const) this.set({ endpoint: e.endpoint, window, outcome }, w[outcome])
        }
      }
    },
  })
  new Gauge({
    name: 'storefront_fleet_request_latency_ms',
    help: 'Latency quantiles of the merged fleet-wide HDR histograms, per endpoint and window (quantile 1 = max)',
    labelNames: ['endpoint', 'window', 'quantile'] as const,
    registers: [registry],
    async collect() {
      this.reset()
      for (const e of (await read()).figures.endpoints) {
        for (const window of WINDOWS) for (const [quantile, field] of QUANTILES) this.set({ endpoint: e.endpoint, window, quantile }, e.windows[window][field])
      }
    },
  })
  new Gauge({
    name: 'storefront_fleet_cache_hit_ratio',
    help: 'Cache hit ratio across the fleet per layer (redis data cache, page cache) and window',
    labelNames: ['layer', 'window'] as const,
    registers: [registry],
    async collect() {
      this.reset()
      const { cache } = (await read()).figures
      for (const window of WINDOWS) {
        for (const layer of ['redis', 'page'] as const) {
          const ratio = cache[window][layer].ratio
          if (ratio !== null) this.set({ layer, window }, ratio)
        }
      }
    },
  })
  new Gauge({
    name: 'storefront_fleet_instances',
    help: 'Instances that published figures within the staleness window (1 min), live or gone',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const { instances } = await read()
      this.set({ state: 'live' }, instances.filter((i) => i.live).length)
      this.set({ state: 'gone' }, instances.filter((i) => !i.live).length)
    },
  })
  new Gauge({
    name: 'storefront_fleet_instances_by_role',
    help: 'Live instances per role (web, api, worker; unknown: an older release)',
    labelNames: ['role'] as const,
    registers: [registry],
    async collect() {
      this.reset()
      const { instances } = await read()
      for (const role of ['web', 'api', 'worker', 'unknown'] as const) this.set({ role }, instances.filter((i) => i.live && i.role === role).length)
    },
  })
  new Gauge({
    name: 'storefront_fleet_replica_lag_seconds',
    help: 'Largest read replica replay lag the instances reported in the last minute (absent: no replica, or not measured)',
    registers: [registry],
    async collect() {
      clearUnlabelled(this)
      const { lagMs } = (await read()).figures.replica
      if (lagMs !== null) this.set(lagMs / 1000)
    },
  })
  new Gauge({
    name: 'storefront_fleet_catalog_reads',
    help: 'Catalog reads of the whole fleet in the window, by target (replica, primary-fallback, primary: no replica)',
    labelNames: ['target', 'window'] as const,
    registers: [registry],
    async collect() {
      this.reset()
      const { reads } = (await read()).figures.replica
      for (const window of WINDOWS) {
        this.set({ target: 'replica', window }, reads[window].replica)
        this.set({ target: 'primary-fallback', window }, reads[window].primaryFallback)
        this.set({ target: 'primary', window }, reads[window].primary)
      }
    },
  })
  new Gauge({
    name: 'storefront_fleet_queue_jobs',
    help: "Jobs in the queue by state, as the fleet's signal sampler last recorded them",
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      this.reset()
      const { queue } = latestSignals(await read())
      if (queue) for (const state of ['ready', 'scheduled', 'running', 'failed'] as const) this.set({ state }, queue.sample[state])
    },
  })
  new Gauge({
    name: 'storefront_fleet_queue_oldest_job_age_seconds',
    help: "Wait of the oldest due job, as the fleet's signal sampler last recorded it",
    registers: [registry],
    async collect() {
      clearUnlabelled(this)
      const { queue } = latestSignals(await read())
      if (queue) this.set(queue.sample.oldestReadySeconds)
    },
  })
  new Gauge({
    name: 'storefront_fleet_signals_age_seconds',
    help: "Seconds since the fleet's signal sampler last recorded queue and alert states (absent or large: nobody is sampling)",
    registers: [registry],
    async collect() {
      clearUnlabelled(this)
      const { alerts } = latestSignals(await read())
      if (alerts) this.set(Math.max(0, (Date.now() - alerts.at) / 1000))
    },
  })
  new Gauge({
    name: 'storefront_fleet_alert_firing',
    help: "1 for every threshold the fleet's signal sampler found crossed in its last evaluation",
    labelNames: ['alert', 'panel'] as const,
    registers: [registry],
    async collect() {
      this.reset()
      const { alerts } = latestSignals(await read())
      for (const a of alerts?.alerts ?? []) this.set({ alert: a.id, panel: a.panel }, 1)
    },
  })
  new Gauge({
    name: 'storefront_fleet_alerts',
    help: 'Dashboard thresholds crossed right now, per panel (the sampler\'s last evaluation; evaluated at scrape time when no sampler runs)',
    labelNames: ['panel'] as const,
    registers: [registry],
    async collect() {
      this.reset()
      const fleet = await read()
      const sampled = latestSignals(fleet).alerts
      const alerts =
        sampled?.alerts ??
        evaluateAlerts({
          figures: fleet.figures,
          queue: fleet.queue.at(-1)?.sample ?? null,
          redis: fleet.redis,
          liveInstanceIds: new Set(fleet.instances.filter((i) => i.live).map((i) => i.id)),
        })
      for (const a of alerts) this.inc({ panel: a.panel })
    },
  })
  registerWaitingRoomGauges(registry, sharedWaitingRoomRead(waitingRoom))
  return registry
}

const FLEET = Symbol.for('storefront.fleetRegistry')
const g = globalThis as unknown as { [FLEET]?: Registry }

export function fleetRegistry(): Registry {
  return (g[FLEET] ??= createFleetRegistry(() => fleetView(), () => waitingRoomFigures()))
}
