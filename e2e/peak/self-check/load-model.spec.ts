/**
 * The generator is an open model and measures from the intended send time: proven against
 * a deliberately slow local server, where a closed loop would report the service time and
 * send less. Also: the schedule really steps to 10×B within the ramp.
 */
import { expect, test } from '@playwright/test'
import { createServer } from 'node:http'
import { runOpenLoop } from '../load/open-loop'
import { seededRng } from '../load/rng'
import { arrivalTimesMs, expectedArrivals, phaseSpans, rateAt } from '../load/schedule'
import { percentiles } from '../load/analysis'
import type { LoadShape } from '../drill-options'

const SHAPE: LoadShape = { baselineRps: 20, multiplier: 10, warmupS: 2, baselineS: 10, rampUpS: 5, holdS: 20, rampDownS: 2, recoveryS: 10 }

test('the schedule steps from B to 10×B within the ramp and holds it', () => {
  const spans = phaseSpans(SHAPE)
  const hold = spans.find((s) => s.phase === 'hold')!
  const ramp = spans.find((s) => s.phase === 'ramp-up')!
  expect(rateAt(SHAPE, ramp.startS - 0.01)).toBe(20)
  expect(rateAt(SHAPE, hold.startS)).toBe(200)
  expect(ramp.endS - ramp.startS).toBeLessThanOrEqual(10)

  const times = arrivalTimesMs(SHAPE, seededRng(7))
  const count = (fromS: number, toS: number) => times.filter((t) => t >= fromS * 1000 && t < toS * 1000).length
  const baseline = spans.find((s) => s.phase === 'baseline')!
  const baseRate = count(baseline.startS, baseline.endS) / (baseline.endS - baseline.startS)
  const holdRate = count(hold.startS, hold.endS) / (hold.endS - hold.startS)
  // Poisson counts: 200 ± 3σ over 10 s at 20/s, 4000 ± 3σ over 20 s at 200/s.
  expect(baseRate).toBeGreaterThan(20 - (3 * Math.sqrt(200)) / 10)
  expect(baseRate).toBeLessThan(20 + (3 * Math.sqrt(200)) / 10)
  expect(holdRate / baseRate).toBeGreaterThan(8)
  expect(holdRate / baseRate).toBeLessThan(12.5)
  expect(Math.abs(times.length - expectedArrivals(SHAPE))).toBeLessThan(4 * Math.sqrt(expectedArrivals(SHAPE)))
  expect(times).toEqual([...times].sort((a, b) => a - b))
})

test('arrivals are sent on schedule while the server is slow, and latency counts the wait (no coordinated omission)', async () => {
  const SERVICE_MS = 100
  // One request at a time, 100 ms each: a server that can do 10/s, offered 40/s for 1 s.
  let busyUntil = 0
  let answered = 0
  let received = 0
  let answeredWhenLastArrived = -1
  const server = createServer((_req, res) => {
    if (++received === 40) answeredWhenLastArrived = answered
    const start = Math.max(Date.now(), busyUntil)
    busyUntil = start + SERVICE_MS
    setTimeout(() => {
      answered++
      res.end('ok')
    }, busyUntil - Date.now())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as { port: number }).port
  const arrivalsMs = Array.from({ length: 40 }, (_, i) => i * 25)
  try {
    const result = await runOpenLoop({
      origin: `http://127.0.0.1:${port}`,
      arrivalsMs,
      plan: () => ({ endpoint: 'home', method: 'GET', path: '/', headers: {} }),
      maxInFlight: 1_000,
      requestTimeoutMs: 30_000,
      connections: 40,
    })
    expect(result.samples).toHaveLength(40)
    expect(result.droppedMs).toEqual([])
    // The last arrival reached the server while most earlier ones were unanswered: sending
    // followed the schedule, not the answers (a closed loop would have seen 39 answered).
    expect(answeredWhenLastArrived).toBeGreaterThanOrEqual(0)
    expect(answeredWhenLastArrived).toBeLessThan(20)
    // Lower bounds the slow server guarantees: the 40th answer cannot come before 40 × 100 ms
    // after the first arrival, and it was intended at 975 ms, so ≥ 3 s counted from then.
    const p = percentiles(result.samples)
    expect(p.max).toBeGreaterThan(2_500)
    expect(p.p50).toBeGreaterThan(1_000)
    // A closed loop timing each request from its own send would have seen ~100 ms.
  } finally {
    server.close()
  }
})

test('arrivals beyond the in-flight cap are dropped and counted, not delayed', async () => {
  const server = createServer((_req, res) => setTimeout(() => res.end('ok'), 300))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as { port: number }).port
  try {
    const result = await runOpenLoop({
      origin: `http://127.0.0.1:${port}`,
      arrivalsMs: Array.from({ length: 20 }, (_, i) => i * 5),
      plan: () => ({ endpoint: 'home', method: 'GET', path: '/', headers: {} }),
      maxInFlight: 5,
      requestTimeoutMs: 5_000,
      connections: 5,
    })
    expect(result.samples).toHaveLength(5)
    expect(result.droppedMs).toHaveLength(15)
  } finally {
    server.close()
  }
})
