/**
 * Merging slots across instances: percentiles come from the merged histograms, so one slow
 * instance shows in the fleet's p99 however fast the others are — checked against the exact
 * percentile of all the values, and against the two shortcuts that would hide it.
 */
import { describe, expect, it } from 'vitest'
import { createRequestStats, SLOT_MS } from '../platform/request-stats'
import { addSnapshot, emptyFleetSlot, fleetFigures, type FleetSlot } from './fleet-figures'
import { SNAPSHOT_VERSION, WINDOW_SLOTS, type SlotSnapshot } from './metrics-snapshot'

const gauges = { eventLoopP99Ms: 3, eventLoopMaxMs: 8, rssMb: 200, heapUsedMb: 90 }

function snapshot(instance: string, slot: number, record: (r: (endpoint: string, ms: number, outcome?: 'ok' | 'client' | 'shed' | 'server') => void) => void, counters: Record<string, number> = {}): SlotSnapshot {
  const stats = createRequestStats()
  record((endpoint, ms, outcome = 'ok') => stats.record(endpoint, ms, outcome))
  return { v: SNAPSHOT_VERSION, instance, slot, endpoints: stats.takeSlot().endpoints, counters, gauges }
}

function merged(snapshots: SlotSnapshot[]): FleetSlot[] {
  const slots = new Map<number, FleetSlot>()
  for (const s of snapshots) {
    const slot = slots.get(s.slot) ?? emptyFleetSlot(s.slot)
    slots.set(s.slot, slot)
    addSnapshot(slot, s)
  }
  return [...slots.values()]
}

/** Nearest-rank percentile of exact values. */
function exact(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!
}

describe('fleetFigures', () => {
  const last = 1_000_000
  const fast = Array.from({ length: 90 }, (_, i) => 2 + (i % 9))
  const slow = Array.from({ length: 10 }, (_, i) => 500 + i)
  // Both instances in the same slot, and B once more in the slot before: merged per slot and across slots.
  const slots = merged([
    snapshot('a', last, (r) => fast.forEach((ms) => r('reviews.forProduct', ms))),
    snapshot('b', last, (r) => slow.slice(0, 5).forEach((ms) => r('reviews.forProduct', ms))),
    snapshot('b', last - 1, (r) => slow.slice(5).forEach((ms) => r('reviews.forProduct', ms))),
  ])
  const figures = fleetFigures(slots, last)
  const reviews = figures.endpoints.find((e) => e.endpoint === 'reviews.forProduct')!

  it('adds up counts across instances and slots of the window', () => {
    expect(reviews.windows['1m'].count).toBe(100)
    expect(reviews.windows['5m'].count).toBe(100)
    expect(reviews.windows['1m'].rps).toBeCloseTo(100 / 60, 2)
  })

  it('takes percentiles of the merged histogram: equal to the exact percentile of every value (±1 %)', () => {
    const all = [...fast, ...slow]
    for (const [p, field] of [[50, 'p50Ms'], [95, 'p95Ms'], [99, 'p99Ms']] as const) {
      const want = exact(all, p)
      expect(reviews.windows['5m'][field]).toBeGreaterThanOrEqual(want * 0.99 - 0.01)
      expect(reviews.windows['5m'][field]).toBeLessThanOrEqual(want * 1.01 + 0.01)
    }
    expect(reviews.windows['5m'].maxMs).toBeGreaterThanOrEqual(509 * 0.99)
  })

  it('is neither the average nor the maximum of per-instance percentiles', () => {
    // Average of the two instances' p99s would be ~255 ms; max of their p50s would be ~500 ms.
    expect(reviews.windows['5m'].p99Ms).toBeGreaterThan(495)
    expect(reviews.windows['5m'].p50Ms).toBeLessThan(20)
  })

  it('leaves slots outside a window out of it', () => {
    const old = merged([snapshot('a', last - WINDOW_SLOTS['1m'], (r) => r('catalog.stock', 1))])
    const f = fleetFigures([...slots, ...old], last)
    const stock = f.endpoints.find((e) => e.endpoint === 'catalog.stock')!
    expect(stock.windows['1m'].count).toBe(0)
    expect(stock.windows['5m'].count).toBe(1)
    const gone = fleetFigures(merged([snapshot('a', last - WINDOW_SLOTS['5m'], (r) => r('catalog.stock', 1))]), last)
    expect(gone.endpoints).toEqual([])
  })

  it('splits errors by class and rates them against all requests', () => {
    const f = fleetFigures(
      merged([
        snapshot('a', last, (r) => {
          for (let i = 0; i < 80; i++) r('checkout.placeOrder', 20)
          for (let i = 0; i < 10; i++) r('checkout.placeOrder', 5, 'shed')
          for (let i = 0; i < 6; i++) r('checkout.placeOrder', 5, 'client')
          for (let i = 0; i < 4; i++) r('checkout.placeOrder', 30, 'server')
        }),
      ]),
      last,
    )
    const w = f.endpoints[0]!.windows['1m']
    expect(w).toMatchObject({ count: 100, ok: 80, shed: 10, client: 6, server: 4 })
    expect(w.shedRate).toBeCloseTo(0.1)
    expect(w.serverErrorRate).toBeCloseTo(0.04)
  })

  it('builds per-slot series (req/s, p99 of the busiest endpoints) over the 5-minute window', () => {
    expect(figures.series.at).toHaveLength(WINDOW_SLOTS['5m'])
    expect(figures.series.at.at(-1)).toBe(last * SLOT_MS)
    expect(figures.series.rps.at(-1)).toBe(95 / (SLOT_MS / 1000))
    expect(figures.series.rps.at(-2)).toBe(5 / (SLOT_MS / 1000))
    const line = figures.series.latency.find((l) => l.endpoint === 'reviews.forProduct')!
    // The newest slot: 90 fast + 5 slow of 95 → its p99 is slow, its p50 would not be.
    expect(line.p99.at(-1)).toBeGreaterThan(495)
    expect(line.p95.at(-1)).toBeGreaterThan(495)
    expect(line.p99.at(-2)).toBeGreaterThan(495)
    expect(line.p99.at(-3)).toBeNull()
  })

  it('computes cache hit ratios, rate-limit blocks and checkouts from the counters', () => {
    const f = fleetFigures(
      merged([
        snapshot('a', last, () => {}, { 'cache:redis:hit': 70, 'cache:redis:stale': 10, 'cache:redis:miss': 20, 'cache:page:hit': 9, 'cache:page:miss': 1, 'rl:checkout:limit': 4, 'checkout:placed': 12 }),
        snapshot('b', last, () => {}, { 'cache:redis:hit': 100, 'rl:checkout:limit': 1, 'checkout:sold_out': 3 }),
      ]),
      last,
    )
    expect(f.cache['1m'].redis).toEqual({ hits: 180, misses: 20, ratio: 0.9 })
    expect(f.cache['1m'].page.ratio).toBeCloseTo(0.9)
    expect(f.rateLimitBlocks).toEqual([{ policy: 'checkout', reason: 'limit', counts: { '1m': 5, '5m': 5 } }])
    expect(f.checkouts['1m']).toEqual({ placed: 12, sold_out: 3 })
    expect(f.series.checkoutsPerMinute.at(-1)).toBe(12 * (60_000 / SLOT_MS))
  })

  it('lists each instance with its own request rate and event-loop lag', () => {
    expect(figures.instances.map((i) => [i.id, i.rps1m])).toEqual([
      ['a', 1.5],
      ['b', Math.round((10 / 60) * 100) / 100],
    ])
    expect(figures.instances.map((i) => i.lastSlotStart)).toEqual([last * SLOT_MS, last * SLOT_MS])
    expect(figures.instances[0]!.eventLoopP99Ms).toBe(3)
  })
})
