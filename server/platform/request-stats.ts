/**
 * Per-endpoint request figures of this process, for the ops dashboard: count, errors by
 * class and an HDR latency histogram per endpoint, collected per time slot (SLOT_MS) and
 * handed over — compressed — when the slot closes (server/ops/snapshot-publisher.ts).
 *
 * The request path only calls `record()`: one Map lookup, a few number increments and one
 * HDR `recordValue` into an Int32 counts array — O(1), and allocation-free once an endpoint
 * has been seen. Encoding and resetting happen off the request path, once per slot.
 *
 * Endpoint names are a bounded set: tRPC procedure paths (`catalog.stock`; unknown paths
 * never reach a middleware) and route patterns (`/p/[slug]`, server/ops/route-names.ts).
 * Anything beyond MAX_ENDPOINTS lands in OVERFLOW_ENDPOINT.
 *
 * State lives on globalThis: Next bundles instrumentation and route handlers separately,
 * and both must record into the same figures.
 */
import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js'
import { z } from 'zod'

/** Slot length: figures are published and merged per slot, aligned to wall-clock multiples. */
export const SLOT_MS = 5_000

/** Latency histograms count microseconds, 1 µs to 2 min, at 2 significant digits (±1 %). */
export const LATENCY_HDR = {
  lowestDiscernibleValue: 1,
  highestTrackableValue: 120_000_000,
  numberOfSignificantValueDigits: 2,
} as const

export const MAX_ENDPOINTS = 200
export const OVERFLOW_ENDPOINT = '(other)'

/**
 * How a request ended: `ok` (2xx/3xx), `client` (4xx other than 429), `shed` (429/503: load
 * we refused on purpose — rate limits, fail-closed guards, sold-out gates answering 503),
 * `server` (any other 5xx: something broke).
 */
export type Outcome = 'ok' | 'client' | 'shed' | 'server'

export function outcomeOfStatus(status: number): Outcome {
  if (status === 429 || status === 503) return 'shed'
  if (status >= 500) return 'server'
  if (status >= 400) return 'client'
  return 'ok'
}

export function newLatencyHistogram(bitBucketSize: 32 | 'packed' = 32): Histogram {
  return build({ ...LATENCY_HDR, bitBucketSize, autoResize: false })
}

/** Requests that ended, and how many of them in each class that is not `ok` (one shape, everywhere). */
export const outcomeCountsSchema = z.object({
  count: z.number().int().min(0),
  client: z.number().int().min(0),
  shed: z.number().int().min(0),
  server: z.number().int().min(0),
})
export type OutcomeCounts = z.infer<typeof outcomeCountsSchema>

export const emptyCounts = (): OutcomeCounts => ({ count: 0, client: 0, shed: 0, server: 0 })

/** The one merge: adds `from` into `into` (in place) and returns `into`. */
export function addCounts(into: OutcomeCounts, from: OutcomeCounts): OutcomeCounts {
  into.count += from.count
  into.client += from.client
  into.shed += from.shed
  into.server += from.server
  return into
}

function countOutcome(into: OutcomeCounts, outcome: Outcome): void {
  into.count++
  if (outcome !== 'ok') into[outcome]++
}

interface EndpointFigures {
  histogram: Histogram
  /** This slot. */
  slot: OutcomeCounts
  /** Since the process started (Prometheus counters). */
  total: OutcomeCounts
}

/** One endpoint's figures for one closed slot, as published. */
export interface EndpointSlot extends OutcomeCounts {
  endpoint: string
  /** HDR histogram (µs), V2 compressed, base64. */
  histogram: string
}

export interface EndpointTotals extends OutcomeCounts {
  endpoint: string
}

export interface PageCacheCounts {
  hit: number
  stale: number
  miss: number
}

class RequestStats {
  private readonly endpoints = new Map<string, EndpointFigures>()
  /** `x-nextjs-cache` answers of page responses in this slot. */
  readonly pageCache: PageCacheCounts = { hit: 0, stale: 0, miss: 0 }

  private figuresOf(endpoint: string): EndpointFigures {
    let figures = this.endpoints.get(endpoint)
    if (figures) return figures
    if (this.endpoints.size >= MAX_ENDPOINTS && endpoint !== OVERFLOW_ENDPOINT) return this.figuresOf(OVERFLOW_ENDPOINT)
    figures = { histogram: newLatencyHistogram(), slot: emptyCounts(), total: emptyCounts() }
    this.endpoints.set(endpoint, figures)
    return figures
  }

  /** Records one finished request. `ms` is its service time in milliseconds. */
  record(endpoint: string, ms: number, outcome: Outcome): void {
    const f = this.figuresOf(endpoint)
    const us = ms <= 0 ? 0 : ms >= 120_000 ? LATENCY_HDR.highestTrackableValue : Math.round(ms * 1000)
    f.histogram.recordValue(us)
    countOutcome(f.slot, outcome)
    countOutcome(f.total, outcome)
  }

  recordPageCache(header: string): void {
    if (header === 'HIT') this.pageCache.hit++
    else if (header === 'STALE') this.pageCache.stale++
    else if (header === 'MISS') this.pageCache.miss++
  }

  /** Closes the slot: every endpoint that saw requests, encoded; counters and histograms reset. */
  takeSlot(): { endpoints: EndpointSlot[]; pageCache: PageCacheCounts } {
    const endpoints: EndpointSlot[] = []
    for (const [endpoint, f] of this.endpoints) {
      if (f.slot.count === 0) continue
      endpoints.push({ endpoint, ...f.slot, histogram: encodeIntoCompressedBase64(f.histogram) })
      f.histogram.reset()
      f.slot = emptyCounts()
    }
    const pageCache = { ...this.pageCache }
    this.pageCache.hit = this.pageCache.stale = this.pageCache.miss = 0
    return { endpoints, pageCache }
  }

  /** Cumulative counts since the process started (for Prometheus). */
  totals(): EndpointTotals[] {
    return [...this.endpoints].map(([endpoint, f]) => ({ endpoint, ...f.total }))
  }
}

export type { RequestStats }

const STATS = Symbol.for('storefront.requestStats')
const g = globalThis as unknown as { [STATS]?: RequestStats }

/** The process's recorder. */
export const requestStats: RequestStats = (g[STATS] ??= new RequestStats())

/** A recorder of its own (tests). */
export function createRequestStats(): RequestStats {
  return new RequestStats()
}
