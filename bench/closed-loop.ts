/**
 * A closed-loop HTTP load for `npm run bench` (and the catalog bench): `connections`
 * workers each send the next request as soon as the previous one answered, for a fixed
 * time, over one undici Pool. Closed on purpose: the bench compares maximum throughput of
 * two servers or routes under identical pressure; the peak drill (e2e/peak) is the open-model
 * tool for latency under a schedule. Latencies go into an HDR histogram.
 */
import { Pool } from 'undici'
import { latencyPercentiles, type LatencyPercentiles } from './stats'

export interface ClosedLoopRequest {
  path: string
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  /** A fresh body per request (e.g. a new idempotency key each time). */
  body?: () => string
  /** Picks the headers per request (e.g. a different session cookie each time). */
  headersFor?: (i: number) => Record<string, string>
}

export interface ClosedLoopResult {
  rps: number
  latency: LatencyPercentiles
  /** Answers by status code (0: network error). */
  statuses: Record<number, number>
}

export async function closedLoop(origin: string, req: ClosedLoopRequest, connections: number, ms: number): Promise<ClosedLoopResult> {
  const pool = new Pool(origin, { connections, pipelining: 1 })
  const latencies: number[] = []
  const statuses: Record<number, number> = {}
  let i = 0
  const deadline = performance.now() + ms
  const started = performance.now()
  try {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < deadline) {
          const n = i++
          const t = performance.now()
          let status = 0
          try {
            const res = await pool.request({
              path: req.path,
              method: req.method ?? 'GET',
              headers: { ...req.headers, ...req.headersFor?.(n) },
              body: req.body?.(),
            })
            await res.body.arrayBuffer()
            status = res.statusCode
          } catch {
            status = 0
          }
          latencies.push(performance.now() - t)
          statuses[status] = (statuses[status] ?? 0) + 1
        }
      }),
    )
  } finally {
    await pool.close()
  }
  const elapsed = (performance.now() - started) / 1000
  return { rps: latencies.length / elapsed, latency: latencyPercentiles(latencies), statuses }
}
