/**
 * Two `next start` instances on one key prefix, traffic driven at both, and the dashboard's
 * merged figures checked against what the client itself observed: the exact request counts,
 * and a p99 that only a real merge of both instances' histograms can produce.
 *
 * Instance A gets fast requests only; instance B gets requests that the `reviewsDelayMs`
 * fault makes slow (≥ SLOW_MS by construction, not by timing luck). With about 10 % of all
 * requests slow, the fleet's p99 must be ≥ SLOW_MS and its p50 fast, and neither can exceed
 * what the client saw. Averaging the two instances' percentiles, or taking either alone,
 * fails one of those.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { env } from '../env'
import { TestShopper } from '../../testing/test-shopper'
import { waitUntil } from '../../testing/test-world'
import type { Overview } from './ops.schema'
import { adminClient, startOpsStores, type OpsStores } from '../../testing/test-ops'

const SLOW_MS = 400
const FAST_REQUESTS = 90
const SLOW_REQUESTS = 10
const BAD_REQUESTS = 3

let world: OpsStores
const db = new pg.Pool({ connectionString: env.DATABASE_URL, max: 1 })

beforeAll(async () => {
  world = await startOpsStores('fleet', 2)
}, 120_000)

afterAll(async () => {
  await world?.close()
  await db.end()
})

/** Nearest-rank percentile of what the client measured. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!
}

async function timed(shopper: TestShopper, productId: number): Promise<{ ms: number; status: number }> {
  const started = performance.now()
  const answer = await shopper.query('reviews.forProduct', { productId })
  return { ms: performance.now() - started, status: answer.status }
}

describe('fleet-wide figures', () => {
  it('merge both instances: counts equal what the client sent, p99 and p50 agree with what it observed', async () => {
    const [a, b] = world.stores as [(typeof world.stores)[0], (typeof world.stores)[0]]
    const { rows } = await db.query<{ id: number }>(`SELECT id FROM "Product" WHERE active ORDER BY id LIMIT 1`)
    const productId = rows[0]!.id
    const admin = await adminClient(a.url)
    const observed: number[] = []
    const onA = new TestShopper(a.url)
    const onB = new TestShopper(b.url)

    for (let i = 0; i < FAST_REQUESTS; i++) {
      const r = await timed(onA, productId)
      expect(r.status).toBe(200)
      observed.push(r.ms)
    }

    expect((await admin.mutate('ops.setFault', { name: 'reviewsDelayMs', value: SLOW_MS })).status).toBe(200)
    // B reads faults through its ≤ 2 s cache: poll until it is slow (each poll counts too).
    for (;;) {
      const r = await timed(onB, productId)
      expect(r.status).toBe(200)
      observed.push(r.ms)
      if (r.ms >= SLOW_MS) break
    }
    for (let i = 0; i < SLOW_REQUESTS; i++) {
      const r = await timed(onB, productId)
      expect(r.ms).toBeGreaterThanOrEqual(SLOW_MS)
      observed.push(r.ms)
    }
    for (let i = 0; i < BAD_REQUESTS; i++) expect((await onB.query('reviews.forProduct', { productId: -1 })).status).toBe(400)
    await admin.mutate('ops.setFault', { name: 'reviewsDelayMs', value: 0 })

    const expected = observed.length + BAD_REQUESTS
    let seen: Overview | undefined
    const reviews = () => seen?.figures.endpoints.find((e) => e.endpoint === 'reviews.forProduct')?.windows['5m']
    await waitUntil(
      async () => {
        seen = (await admin.query<Overview>('ops.overview')).data
        return (reviews()?.count ?? 0) >= expected
      },
      30_000,
      async () => `expected ${expected} requests, dashboard shows ${JSON.stringify(reviews())}`,
    )

    const merged = reviews()!
    expect(merged.count).toBe(expected)
    expect(merged.client).toBe(BAD_REQUESTS)
    expect(merged.server + merged.shed).toBe(0)
    // Both instances are in the figures, each with its own share of the traffic.
    expect(seen!.instances.filter((i) => i.live)).toHaveLength(2)
    expect(seen!.figures.instances.map((i) => i.id).sort()).toEqual(seen!.instances.map((i) => i.id).sort())

    // p99: at least the injected delay (only B's slow requests can put it there) and never
    // more than the client itself saw (the server's time is part of the client's), ±1 % HDR.
    const clientP99 = percentile(observed, 99)
    expect(merged.p99Ms).toBeGreaterThanOrEqual(SLOW_MS * 0.99)
    expect(merged.p99Ms).toBeLessThanOrEqual(clientP99 * 1.01 + 1)
    // p50: fast (A's requests are the majority), and again within what the client saw.
    expect(merged.p50Ms).toBeLessThan(SLOW_MS)
    expect(merged.p50Ms).toBeLessThanOrEqual(percentile(observed, 50) * 1.01 + 1)
    expect(merged.maxMs).toBeLessThanOrEqual(Math.max(...observed) * 1.01 + 1)
  })
})
