/**
 * Merging published slots (metrics-snapshot.ts) into the figures the dashboard shows: per
 * endpoint and window, the counts, errors by class and the latency percentiles of the
 * *merged* HDR histograms — never an average of per-instance percentiles, which would hide
 * one slow instance behind fast ones. Pure functions; fleet-reader.ts gets the snapshots
 * from Redis (or this process's own when Redis is down).
 */
import { decodeFromCompressedBase64, type Histogram } from 'hdr-histogram-js'
import { addCounts, emptyCounts, newLatencyHistogram, SLOT_MS, type OutcomeCounts } from '../platform/request-stats'
import { WINDOW_SLOTS, type ReplicaSlot, type SlotSnapshot, type WindowName } from './metrics-snapshot'
import { replicaFigures, type ReplicaFigures, type ReplicaReports } from './replica-figures'

export interface SlotEndpoint extends OutcomeCounts {
  histogram: Histogram
}

/** What one instance contributed to a slot, beyond its requests. */
export interface InstanceSlot {
  count: number
  gauges: SlotSnapshot['gauges']
  /** The read replica as the instance saw it (absent: a worker, or an older release). */
  replica?: ReplicaSlot
}

/**
 * One slot of the whole fleet: every instance's snapshot for that slot added up (counts
 * summed, histograms added), plus each instance's own count and gauges. Merging once per
 * slot keeps memory and work independent of the number of instances.
 */
export interface FleetSlot {
  slot: number
  endpoints: Map<string, SlotEndpoint>
  counters: Record<string, number>
  instances: Map<string, InstanceSlot>
}

export function emptyFleetSlot(slot: number): FleetSlot {
  return { slot, endpoints: new Map(), counters: {}, instances: new Map() }
}

/** Adds one instance's snapshot into the fleet slot (a late snapshot can be added any time). */
export function addSnapshot(into: FleetSlot, snapshot: SlotSnapshot): void {
  let count = 0
  for (const e of snapshot.endpoints) {
    let histogram: Histogram
    try {
      histogram = decodeFromCompressedBase64(e.histogram, 32)
    } catch {
      continue // a histogram that does not decode is left out: its counts would lie about latency
    }
    let target = into.endpoints.get(e.endpoint)
    if (!target) {
      target = { ...emptyCounts(), histogram: newLatencyHistogram() }
      into.endpoints.set(e.endpoint, target)
    }
    addCounts(target, e)
    target.histogram.add(histogram)
    count += e.count
  }
  for (const [name, n] of Object.entries(snapshot.counters)) into.counters[name] = (into.counters[name] ?? 0) + n
  const previous = into.instances.get(snapshot.instance)
  into.instances.set(snapshot.instance, {
    count: (previous?.count ?? 0) + count,
    gauges: snapshot.gauges,
    ...(snapshot.replica ? { replica: snapshot.replica } : {}),
  })
}

export type EndpointKind = 'trpc' | 'http' | 'asset'
export const kindOf = (endpoint: string): EndpointKind =>
  !endpoint.startsWith('/') ? 'trpc' : endpoint.startsWith('/_next/') ? 'asset' : 'http'

/** Endpoints that are the dashboard watching itself: listed, but never charted or alerted on. */
export const isOpsEndpoint = (endpoint: string) => endpoint.startsWith('ops.') || endpoint.startsWith('/ops') || endpoint === '/api/metrics'

export interface WindowFigures {
  count: number
  /** Requests per second over the whole window. */
  rps: number
  ok: number
  client: number
  shed: number
  server: number
  /** Unexpected 5xx / all requests (0 when none). */
  serverErrorRate: number
  /** Intended 429/503 / all requests. */
  shedRate: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
  maxMs: number
}

export interface EndpointFigures {
  endpoint: string
  kind: EndpointKind
  windows: Record<WindowName, WindowFigures>
}

export interface Ratio {
  hits: number
  misses: number
  /** hits / (hits + misses), null with no lookups. */
  ratio: number | null
}

export interface FleetFigures {
  /** Start (ms) of the newest slot included. */
  lastSlotStart: number
  endpoints: EndpointFigures[]
  totals: Record<WindowName, WindowFigures>
  series: {
    /** Slot start times (ms), oldest first. */
    at: number[]
    rps: number[]
    clientRps: number[]
    shedRps: number[]
    serverRps: number[]
    /** p95/p99 (ms) per slot for the busiest shopper-facing endpoints (null: no requests in that slot). */
    latency: Array<{ endpoint: string; p95: Array<number | null>; p99: Array<number | null> }>
    cacheHitRatio: { redis: Array<number | null>; page: Array<number | null> }
    checkoutsPerMinute: number[]
  }
  cache: Record<WindowName, { redis: Ratio; page: Ratio }>
  rateLimitBlocks: Array<{ policy: string; reason: string; counts: Record<WindowName, number> }>
  checkouts: Record<WindowName, Record<string, number>>
  instances: Array<{ id: string; lastSlotStart: number; rps1m: number; eventLoopP99Ms: number; eventLoopMaxMs: number; rssMb: number; heapUsedMb: number }>
  /** The read replica across the fleet: lag now and per slot, where catalog reads go, reads per target. */
  replica: ReplicaFigures
}

/** How many endpoints get their own latency line on the chart. */
export const CHARTED_ENDPOINTS = 4

const toMs = (us: number) => Math.round(us / 100) / 10

function figuresOf(counts: OutcomeCounts, histogram: Histogram | null, seconds: number): WindowFigures {
  const { count, client, shed, server } = counts
  return {
    count,
    rps: Math.round((count / seconds) * 100) / 100,
    ok: count - client - shed - server,
    client,
    shed,
    server,
    serverErrorRate: count ? server / count : 0,
    shedRate: count ? shed / count : 0,
    p50Ms: histogram && count ? toMs(histogram.getValueAtPercentile(50)) : 0,
    p95Ms: histogram && count ? toMs(histogram.getValueAtPercentile(95)) : 0,
    p99Ms: histogram && count ? toMs(histogram.getValueAtPercentile(99)) : 0,
    maxMs: histogram && count ? toMs(histogram.maxValue) : 0,
  }
}

/** Merges one endpoint's figures over the given slots. */
export function mergeEndpoint(slots: readonly FleetSlot[], endpoint: string, seconds: number): WindowFigures {
  const counts = emptyCounts()
  const histogram = newLatencyHistogram()
  for (const s of slots) {
    const e = s.endpoints.get(endpoint)
    if (!e) continue
    addCounts(counts, e)
    histogram.add(e.histogram)
  }
  return figuresOf(counts, histogram, seconds)
}

function ratioOf(counters: Record<string, number>, layer: string): Ratio {
  const hits = (counters[`cache:${layer}:hit`] ?? 0) + (counters[`cache:${layer}:stale`] ?? 0)
  const misses = counters[`cache:${layer}:miss`] ?? 0
  return { hits, misses, ratio: hits + misses > 0 ? hits / (hits + misses) : null }
}

function sumCounters(slots: readonly FleetSlot[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const s of slots) for (const [name, n] of Object.entries(s.counters)) out[name] = (out[name] ?? 0) + n
  return out
}

/**
 * The dashboard's figures from the fleet slots in (lastSlot - 5 min, lastSlot]. Windows
 * end at `lastSlot` (the newest closed slot).
 */
export function fleetFigures(all: readonly FleetSlot[], lastSlot: number): FleetFigures {
  const windows = Object.keys(WINDOW_SLOTS) as WindowName[]
  const inWindow = (w: WindowName) => all.filter((s) => s.slot > lastSlot - WINDOW_SLOTS[w] && s.slot <= lastSlot)
  const bySlot = new Map<number, FleetSlot[]>()
  for (const s of all) if (s.slot <= lastSlot) bySlot.set(s.slot, [...(bySlot.get(s.slot) ?? []), s])
  const seconds = (w: WindowName) => (WINDOW_SLOTS[w] * SLOT_MS) / 1000
  const windowSlots = Object.fromEntries(windows.map((w) => [w, inWindow(w)])) as Record<WindowName, FleetSlot[]>

  const names = new Set<string>()
  for (const s of windowSlots['5m']) for (const name of s.endpoints.keys()) names.add(name)
  const endpoints = [...names].map(
    (endpoint): EndpointFigures => ({
      endpoint,
      kind: kindOf(endpoint),
      windows: Object.fromEntries(windows.map((w) => [w, mergeEndpoint(windowSlots[w], endpoint, seconds(w))])) as Record<WindowName, WindowFigures>,
    }),
  )
  endpoints.sort((a, b) => b.windows['5m'].count - a.windows['5m'].count || a.endpoint.localeCompare(b.endpoint))

  const totals = Object.fromEntries(
    windows.map((w) => {
      const shopper = endpoints.filter((e) => e.kind !== 'asset' && !isOpsEndpoint(e.endpoint))
      const histogram = newLatencyHistogram()
      const counts = emptyCounts()
      for (const s of windowSlots[w]) {
        for (const e of shopper) {
          const found = s.endpoints.get(e.endpoint)
          if (!found) continue
          addCounts(counts, found)
          histogram.add(found.histogram)
        }
      }
      return [w, figuresOf(counts, histogram, seconds(w))]
    }),
  ) as Record<WindowName, WindowFigures>

  const slotIds = Array.from({ length: WINDOW_SLOTS['5m'] }, (_, i) => lastSlot - WINDOW_SLOTS['5m'] + 1 + i)
  const charted = endpoints
    .filter((e) => e.kind !== 'asset' && !isOpsEndpoint(e.endpoint))
    .slice(0, CHARTED_ENDPOINTS)
    .map((e) => e.endpoint)
  const perSlot = slotIds.map((id) => bySlot.get(id) ?? [])
  const slotSum = (slots: FleetSlot[], field: keyof OutcomeCounts) => {
    let n = 0
    for (const s of slots) for (const e of s.endpoints.values()) n += e[field]
    return n
  }
  const perSecond = (n: number) => Math.round((n / (SLOT_MS / 1000)) * 100) / 100
  const series: FleetFigures['series'] = {
    at: slotIds.map((id) => id * SLOT_MS),
    rps: perSlot.map((slots) => perSecond(slotSum(slots, 'count'))),
    clientRps: perSlot.map((slots) => perSecond(slotSum(slots, 'client'))),
    shedRps: perSlot.map((slots) => perSecond(slotSum(slots, 'shed'))),
    serverRps: perSlot.map((slots) => perSecond(slotSum(slots, 'server'))),
    latency: charted.map((endpoint) => {
      const points = perSlot.map((slots) => {
        const f = mergeEndpoint(slots, endpoint, SLOT_MS / 1000)
        return f.count > 0 ? { p95: f.p95Ms, p99: f.p99Ms } : null
      })
      return { endpoint, p95: points.map((p) => p?.p95 ?? null), p99: points.map((p) => p?.p99 ?? null) }
    }),
    cacheHitRatio: {
      redis: perSlot.map((slots) => ratioOf(sumCounters(slots), 'redis').ratio),
      page: perSlot.map((slots) => ratioOf(sumCounters(slots), 'page').ratio),
    },
    checkoutsPerMinute: perSlot.map((slots) => (sumCounters(slots)['checkout:placed'] ?? 0) * (60_000 / SLOT_MS)),
  }

  const windowCounters = Object.fromEntries(windows.map((w) => [w, sumCounters(windowSlots[w])])) as Record<WindowName, Record<string, number>>
  const cache = Object.fromEntries(
    windows.map((w) => [w, { redis: ratioOf(windowCounters[w], 'redis'), page: ratioOf(windowCounters[w], 'page') }]),
  ) as FleetFigures['cache']

  const blockNames = new Set(Object.keys(windowCounters['5m']).filter((n) => n.startsWith('rl:')))
  const rateLimitBlocks = [...blockNames].sort().map((name) => {
    const [, policy = '', reason = ''] = name.split(':')
    return { policy, reason, counts: Object.fromEntries(windows.map((w) => [w, windowCounters[w][name] ?? 0])) as Record<WindowName, number> }
  })
  const checkouts = Object.fromEntries(
    windows.map((w) => [
      w,
      Object.fromEntries(
        Object.entries(windowCounters[w])
          .filter(([n]) => n.startsWith('checkout:'))
          .map(([n, v]) => [n.slice('checkout:'.length), v]),
      ),
    ]),
  ) as Record<WindowName, Record<string, number>>

  const instanceIds = [...new Set(windowSlots['5m'].flatMap((s) => [...s.instances.keys()]))].sort()
  const instances = instanceIds.map((id) => {
    const mine = windowSlots['5m']
      .filter((s) => s.instances.has(id))
      .sort((a, b) => a.slot - b.slot)
      .map((s) => ({ slot: s.slot, ...s.instances.get(id)! }))
    const lastMinute = mine.filter((s) => s.slot > lastSlot - WINDOW_SLOTS['1m'])
    const latest = mine[mine.length - 1]!
    return {
      id,
      lastSlotStart: latest.slot * SLOT_MS,
      rps1m: Math.round((lastMinute.reduce((n, s) => n + s.count, 0) / seconds('1m')) * 100) / 100,
      eventLoopP99Ms: Math.max(0, ...lastMinute.map((s) => s.gauges.eventLoopP99Ms)),
      eventLoopMaxMs: Math.max(0, ...lastMinute.map((s) => s.gauges.eventLoopMaxMs)),
      rssMb: latest.gauges.rssMb,
      heapUsedMb: latest.gauges.heapUsedMb,
    }
  })

  const reportsOf = (slots: readonly FleetSlot[]): ReplicaReports => {
    const out = new Map<string, ReplicaSlot>()
    for (const s of slots) for (const [id, i] of s.instances) if (i.replica) out.set(id, i.replica)
    return out
  }
  const recentSlots = slotIds.slice(-WINDOW_SLOTS['1m']).map((id) => reportsOf(bySlot.get(id) ?? []))
  const replica = replicaFigures(recentSlots, perSlot.map(reportsOf), windowCounters)

  return { lastSlotStart: lastSlot * SLOT_MS, endpoints, totals, series, cache, rateLimitBlocks, checkouts, instances, replica }
}
