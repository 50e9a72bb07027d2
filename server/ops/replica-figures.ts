/**
 * The read replica as the fleet sees it, from the snapshots every web and API instance
 * publishes (metrics-snapshot.ts `replica`, counters `catalog:{target}`): the lag now and per
 * slot, where catalog reads go, and how many went where. Pure; fleet-figures.ts calls it.
 * Workers make no catalog reads and report no replica; older releases neither.
 */
import type { CatalogTarget, ReplicaSlot, WindowName } from './metrics-snapshot'

/** Where the fleet's catalog reads go now: one target for all reporting instances, `mixed`, or `unknown` when none reports. */
export type FleetCatalogTarget = 'replica' | 'primary-fallback' | 'none' | 'mixed' | 'unknown'

export interface CatalogReads {
  replica: number
  /** On the primary although a replica is configured (it lags or does not answer). */
  primaryFallback: number
  /** On the primary because no replica is configured. */
  primary: number
}

export interface ReplicaFigures {
  target: FleetCatalogTarget
  /** The largest lag (ms) any instance measured in its newest report of the last minute; null when none measured. */
  lagMs: number | null
  /** Instances by the target of their newest report of the last minute. */
  instances: Record<CatalogTarget, number>
  /** Why reads are on the primary, as a falling-back instance said it (null when none falls back). */
  reason: string | null
  /** Per slot of the chart (aligned with `series.at`): the largest lag (ms) reported; null when none. */
  lagSeries: Array<number | null>
  reads: Record<WindowName, CatalogReads>
}

/** One slot's replica reports: instance id → what it saw. */
export type ReplicaReports = ReadonlyMap<string, ReplicaSlot>

/**
 * Catalog reads by target from a slot's (or a window's) summed counters. `catalog:primary`
 * counts every primary read; `catalog:primary-fallback` the part of them a configured replica
 * should have taken, so the rest went to the primary for want of a replica.
 */
export function catalogReadsOf(counters: Record<string, number>): CatalogReads {
  const primaryFallback = counters['catalog:primary-fallback'] ?? 0
  return {
    replica: counters['catalog:replica'] ?? 0,
    primaryFallback,
    primary: Math.max(0, (counters['catalog:primary'] ?? 0) - primaryFallback),
  }
}

function maxLag(reports: Iterable<ReplicaSlot>): number | null {
  let max: number | null = null
  for (const r of reports) if (r.lagMs !== null) max = Math.max(max ?? 0, r.lagMs)
  return max
}

/**
 * `recent`: the last minute's slots, oldest first (each instance's newest report counts);
 * `charted`: the chart's slots, oldest first; `reads`: summed counters per window.
 */
export function replicaFigures(recent: readonly ReplicaReports[], charted: readonly ReplicaReports[], reads: Record<WindowName, Record<string, number>>): ReplicaFigures {
  const newest = new Map<string, ReplicaSlot>()
  for (const slot of recent) for (const [id, report] of slot) newest.set(id, report)
  const instances: Record<CatalogTarget, number> = { replica: 0, 'primary-fallback': 0, none: 0 }
  for (const r of newest.values()) instances[r.target]++
  const present = (Object.keys(instances) as CatalogTarget[]).filter((t) => instances[t] > 0)
  const target: FleetCatalogTarget = present.length === 0 ? 'unknown' : present.length === 1 ? present[0]! : 'mixed'
  const falling = [...newest.values()].find((r) => r.target === 'primary-fallback')
  return {
    target,
    lagMs: maxLag(newest.values()),
    instances,
    reason: falling?.reason ?? null,
    lagSeries: charted.map((slot) => maxLag(slot.values())),
    reads: { '1m': catalogReadsOf(reads['1m']), '5m': catalogReadsOf(reads['5m']) },
  }
}
