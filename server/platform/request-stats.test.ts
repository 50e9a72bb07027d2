/** The per-process recorder: what one slot hands over, and how outcomes are classed. */
import { decodeFromCompressedBase64 } from 'hdr-histogram-js'
import { describe, expect, it } from 'vitest'
import { createRequestStats, MAX_ENDPOINTS, OVERFLOW_ENDPOINT, outcomeOfStatus } from './request-stats'

describe('outcomeOfStatus', () => {
  it('separates intended shedding (429, 503) from unexpected 5xx and client errors', () => {
    expect([200, 204, 304, 307].map(outcomeOfStatus)).toEqual(['ok', 'ok', 'ok', 'ok'])
    expect([400, 401, 404, 409, 413].map(outcomeOfStatus)).toEqual(['client', 'client', 'client', 'client', 'client'])
    expect([429, 503].map(outcomeOfStatus)).toEqual(['shed', 'shed'])
    expect([500, 502, 504].map(outcomeOfStatus)).toEqual(['server', 'server', 'server'])
  })
})

describe('request recorder', () => {
  it('hands over one slot per take: counts by class and a histogram of the latencies, then starts empty', () => {
    const stats = createRequestStats()
    for (let ms = 1; ms <= 100; ms++) stats.record('catalog.stock', ms, 'ok')
    stats.record('catalog.stock', 250, 'server')
    stats.record('catalog.stock', 2, 'shed')
    stats.record('catalog.stock', 3, 'client')
    stats.record('/p/[slug]', 12.5, 'ok')

    const { endpoints } = stats.takeSlot()
    const stock = endpoints.find((e) => e.endpoint === 'catalog.stock')!
    expect(stock).toMatchObject({ count: 103, client: 1, shed: 1, server: 1 })
    const h = decodeFromCompressedBase64(stock.histogram)
    expect(h.totalCount).toBe(103)
    // Microseconds, ±1 % (2 significant digits).
    expect(h.maxValue).toBeGreaterThanOrEqual(250_000 * 0.99)
    expect(h.maxValue).toBeLessThanOrEqual(250_000 * 1.01)
    const p50Ms = h.getValueAtPercentile(50) / 1000
    expect(p50Ms).toBeGreaterThanOrEqual(48)
    expect(p50Ms).toBeLessThanOrEqual(52)
    expect(endpoints.find((e) => e.endpoint === '/p/[slug]')!.count).toBe(1)

    expect(stats.takeSlot().endpoints).toEqual([])
    expect(stats.totals().find((t) => t.endpoint === 'catalog.stock')).toEqual({ endpoint: 'catalog.stock', count: 103, client: 1, shed: 1, server: 1 })
  })

  it('clamps out-of-range latencies instead of throwing on the request path', () => {
    const stats = createRequestStats()
    stats.record('slow', 10 * 60_000, 'ok')
    stats.record('slow', -1, 'ok')
    const [slow] = stats.takeSlot().endpoints
    expect(slow!.count).toBe(2)
  })

  it('keeps the endpoint set bounded: past MAX_ENDPOINTS, new names share one overflow bucket', () => {
    const stats = createRequestStats()
    for (let i = 0; i < MAX_ENDPOINTS + 50; i++) stats.record(`e${i}`, 1, 'ok')
    const { endpoints } = stats.takeSlot()
    expect(endpoints).toHaveLength(MAX_ENDPOINTS + 1)
    expect(endpoints.find((e) => e.endpoint === OVERFLOW_ENDPOINT)!.count).toBe(50)
  })

  it('counts page-cache answers per slot', () => {
    const stats = createRequestStats()
    for (const h of ['HIT', 'HIT', 'STALE', 'MISS', 'BOGUS']) stats.recordPageCache(h)
    expect(stats.takeSlot().pageCache).toEqual({ hit: 2, stale: 1, miss: 1 })
    expect(stats.takeSlot().pageCache).toEqual({ hit: 0, stale: 0, miss: 0 })
  })
})
