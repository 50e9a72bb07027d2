/**
 * Turns the generator's raw samples into the figures the drill is judged by: HDR histograms
 * (hdr-histogram-js, microsecond resolution) per endpoint, phase and time window, rates per
 * second, and the split between intended shedding and unexpected errors.
 * Values are recorded plainly (no expected-interval correction): they are already measured
 * from the intended send time, see open-loop.ts.
 */
import { build, type Histogram } from 'hdr-histogram-js'
import type { LoadShape } from '../drill-options'
import { UNEXPECTED, type Outcome } from './outcome'
import type { LoadSamples, Sample } from './samples'
import { phaseSpans, type Phase } from './schedule'
import { ENDPOINTS, type Endpoint } from './traffic'

export interface Percentiles {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
}

/** A span of load time, ms after the load started, during which a fault was active (plus grace). */
export interface Window {
  startMs: number
  endMs: number
}

function histogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3, bitBucketSize: 'packed' })
}

/** Percentiles of values in ms; count 0 and NaN figures when there are none. */
export function percentilesOfMs(values: readonly number[]): Percentiles {
  if (values.length === 0) return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN }
  const h = histogram()
  for (const ms of values) h.recordValue(Math.max(1, Math.round(ms * 1000)))
  const at = (p: number) => h.getValueAtPercentile(p) / 1000
  const result = { count: h.totalCount, p50: at(50), p95: at(95), p99: at(99), max: h.maxValue / 1000 }
  h.destroy()
  return result
}

/** Latency percentiles of samples (ms). */
export function percentiles(samples: readonly Sample[]): Percentiles {
  return percentilesOfMs(samples.map((s) => s.latencyMs))
}

/** True when the request was in flight at any moment of one of the windows (sent before it and still waiting counts). */
export function overlapsWindows(s: Pick<Sample, 't' | 'latencyMs'>, windows: readonly Window[]): boolean {
  return windows.some((w) => s.t < w.endMs && s.t + s.latencyMs >= w.startMs)
}

export interface SampleFilter {
  endpoint?: Endpoint
  outcomes?: readonly Outcome[]
  phases?: readonly Phase[]
  /** Leave out requests that were in flight during a fault window. */
  outside?: readonly Window[]
  /** Only requests in flight during these windows. */
  inside?: readonly Window[]
}

export function select(load: LoadSamples, shape: LoadShape, f: SampleFilter): Sample[] {
  const spans = f.phases ? phaseSpans(shape).filter((s) => f.phases!.includes(s.phase)) : null
  return load.samples.filter(
    (s) =>
      (!f.endpoint || s.endpoint === f.endpoint) &&
      (!f.outcomes || f.outcomes.includes(s.outcome)) &&
      (!spans || spans.some((p) => s.t >= p.startS * 1000 && s.t < p.endS * 1000)) &&
      (!f.outside || !overlapsWindows(s, f.outside)) &&
      (!f.inside || overlapsWindows(s, f.inside)),
  )
}

export const MEASURED_PHASES: readonly Phase[] = ['baseline', 'ramp-up', 'hold', 'ramp-down', 'recovery']

export interface EndpointPhaseRow {
  endpoint: Endpoint
  phase: Phase
  counts: Record<Outcome, number>
  /** Latency of 2xx answers. */
  ok: Percentiles
}

export function endpointPhaseTable(load: LoadSamples, shape: LoadShape): EndpointPhaseRow[] {
  const rows: EndpointPhaseRow[] = []
  for (const endpoint of ENDPOINTS) {
    for (const phase of MEASURED_PHASES) {
      const all = select(load, shape, { endpoint, phases: [phase] })
      if (all.length === 0) continue
      const counts = { ok: 0, queued: 0, soldOut: 0, shed: 0, clientError: 0, serverError: 0, network: 0, timeout: 0 } satisfies Record<Outcome, number>
      for (const s of all) counts[s.outcome]++
      rows.push({ endpoint, phase, counts, ok: percentiles(all.filter((s) => s.outcome === 'ok')) })
    }
  }
  return rows
}

export interface RatePoint {
  /** Second since the load started. */
  s: number
  /** Page answers by Next's cache verdict, by intended time. */
  pageHit: number
  pageStale: number
  pageMiss: number
  offered: number
  sent: number
  /** Answers completed in this second (by completion time), any outcome. */
  achieved: number
  ok: number
  /** Checkouts the waiting room queued (a 2xx, not an order). */
  queued: number
  soldOut: number
  shed: number
  unexpected: number
}

export function rateSeries(load: LoadSamples): RatePoint[] {
  const seconds = Math.ceil(load.durationMs / 1000)
  const points: RatePoint[] = Array.from({ length: seconds + 1 }, (_, s) => ({ s, pageHit: 0, pageStale: 0, pageMiss: 0, offered: 0, sent: 0, achieved: 0, ok: 0, queued: 0, soldOut: 0, shed: 0, unexpected: 0 }))
  const at = (ms: number) => points[Math.min(points.length - 1, Math.max(0, Math.floor(ms / 1000)))]!
  for (const ms of load.droppedMs) at(ms).offered++
  for (const s of load.samples) {
    const p = at(s.t)
    p.offered++
    p.sent++
    if (s.cache === 'HIT') p.pageHit++
    else if (s.cache === 'STALE') p.pageStale++
    else if (s.cache === 'MISS') p.pageMiss++
    const done = at(s.t + s.latencyMs)
    done.achieved++
    if (s.outcome === 'ok') done.ok++
    else if (s.outcome === 'queued') done.queued++
    else if (s.outcome === 'soldOut') done.soldOut++
    else if (s.outcome === 'shed') done.shed++
    else done.unexpected++
  }
  return points
}

export interface LatencyPoint {
  /** Window start, seconds since the load started. */
  s: number
  p50: number | null
  p95: number | null
  p99: number | null
  count: number
}

/** p50/p95/p99 of 2xx answers per window, for one endpoint. */
export function latencySeries(load: LoadSamples, endpoint: Endpoint, windowS: number): LatencyPoint[] {
  const buckets = new Map<number, Sample[]>()
  for (const s of load.samples) {
    if (s.endpoint !== endpoint || s.outcome !== 'ok') continue
    const w = Math.floor(s.t / 1000 / windowS)
    let list = buckets.get(w)
    if (!list) buckets.set(w, (list = []))
    list.push(s)
  }
  const windows = Math.ceil(load.durationMs / 1000 / windowS)
  return Array.from({ length: windows }, (_, w) => {
    const p = percentiles(buckets.get(w) ?? [])
    const n = (v: number) => (p.count === 0 ? null : Math.round(v * 10) / 10)
    return { s: w * windowS, p50: n(p.p50), p95: n(p.p95), p99: n(p.p99), count: p.count }
  })
}

export interface WindowStats {
  requests: number
  ok: number
  shed: number
  soldOut: number
  unexpected: number
  /** Unexpected answers by endpoint, e.g. { cart: 31, checkout: 28 }. */
  unexpectedBy: Partial<Record<Endpoint, number>>
  /** Latency of 2xx answers in the window. */
  okLatency: Percentiles
}

/** What shoppers got while one fault was active (until it recovered, plus the grace period). */
export function windowStats(load: LoadSamples, window: Window): WindowStats {
  const inside = load.samples.filter((s) => overlapsWindows(s, [window]))
  const unexpected = inside.filter((s) => UNEXPECTED.has(s.outcome) || s.outcome === 'clientError')
  const unexpectedBy: Partial<Record<Endpoint, number>> = {}
  for (const s of unexpected) unexpectedBy[s.endpoint] = (unexpectedBy[s.endpoint] ?? 0) + 1
  return {
    requests: inside.length,
    ok: inside.filter((s) => s.outcome === 'ok').length,
    shed: inside.filter((s) => s.outcome === 'shed').length,
    soldOut: inside.filter((s) => s.outcome === 'soldOut').length,
    unexpected: unexpected.length,
    unexpectedBy,
    okLatency: percentiles(inside.filter((s) => s.outcome === 'ok')),
  }
}

export function unexpectedCount(samples: readonly Sample[]): number {
  return samples.filter((s) => UNEXPECTED.has(s.outcome)).length
}

export function lagPercentiles(load: LoadSamples): Percentiles {
  return percentilesOfMs(load.samples.map((s) => Math.max(0, s.lagMs)))
}
