/**
 * The open-model load generator: every arrival is sent at its scheduled time whether or not
 * earlier requests have been answered, and its latency is measured from that *intended* time.
 *
 * Hand-written on undici because the tools at hand are closed models: autocannon keeps N
 * connections busy and sends the next request when one answers (so a slow server is sent
 * less traffic, and the queueing it causes never shows in the latencies — coordinated
 * omission); its rate option fixes one rate for the whole run and still times from the
 * actual send. A step-shaped schedule with intended-time latency is the whole point here.
 *
 * About HdrHistogram's `recordValueWithExpectedInterval`: it back-fills the samples a
 * *closed* loop failed to take while it was stuck. Measuring from the intended send time
 * already counts that waiting, so correcting again would count it twice; the analysis
 * records plain values (see analysis.ts).
 */
import { Pool } from 'undici'
import { sourcePools } from './source-addresses'
import { classify, parseTrpcAnswer, type Outcome } from './outcome'
import type { CheckoutAnswer, LoadSamples, Sample } from './samples'
import type { PlannedRequest } from './traffic'

export interface OpenLoopOptions {
  origin: string
  /** Ascending intended send times, ms after start. */
  arrivalsMs: number[]
  plan: () => PlannedRequest
  maxInFlight: number
  requestTimeoutMs: number
  /** Connections to the store; requests beyond them wait in undici's queue (and that wait is measured). */
  connections: number
  /**
   * Behind a real edge (`--fleet`): each request connects from its simulated client's own
   * loopback address (source-addresses.ts) instead of claiming it in X-Forwarded-For, which
   * the edge overwrites. `connections` is then per source address' pool (CONNECTIONS_PER_SOURCE).
   */
  fromSourceAddresses?: boolean
  onProgress?: (p: { tMs: number; sent: number; inFlight: number; dropped: number }) => void
  signal?: AbortSignal
}

export async function runOpenLoop(o: OpenLoopOptions): Promise<LoadSamples> {
  const pool = new Pool(o.origin, {
    connections: o.connections,
    pipelining: 1,
    headersTimeout: o.requestTimeoutMs,
    bodyTimeout: o.requestTimeoutMs,
  })
  const sources = o.fromSourceAddresses ? sourcePools(o.origin, { requestTimeoutMs: o.requestTimeoutMs }) : null
  /** The pool and headers of one request: its client's source address, or the one pool with X-Forwarded-For. */
  const route = (req: PlannedRequest): { via: Pool; headers: Record<string, string> } => {
    if (!sources) return { via: pool, headers: req.headers }
    const { 'x-forwarded-for': client = 'anonymous', ...headers } = req.headers
    return { via: sources.poolFor(client), headers }
  }
  const samples: Sample[] = []
  const droppedMs: number[] = []
  const checkouts: CheckoutAnswer[] = []
  const pending = new Set<Promise<void>>()
  const startedAtEpochMs = Date.now()
  const t0 = performance.now()
  let sent = 0

  async function send(intended: number, req: PlannedRequest): Promise<void> {
    const lagMs = performance.now() - t0 - intended
    let status = 0
    let outcome: Outcome
    let text = ''
    let cache: string | undefined
    try {
      const { via, headers } = route(req)
      const res = await via.request({
        path: req.path,
        method: req.method,
        headers,
        body: req.body,
        signal: AbortSignal.timeout(o.requestTimeoutMs),
      })
      status = res.statusCode
      const verdict = res.headers['x-nextjs-cache']
      if (typeof verdict === 'string') cache = verdict
      text = req.checkout || status >= 400 ? await res.body.text() : (await res.body.arrayBuffer(), '')
      outcome = classify(status, status >= 400 ? parseTrpcAnswer(text).appCode : null)
    } catch (error) {
      outcome = isTimeout(error) ? 'timeout' : 'network'
    }
    const latencyMs = performance.now() - t0 - intended
    samples.push({ t: intended, endpoint: req.endpoint, outcome, status, latencyMs, lagMs, ...(cache && { cache }) })
    if (req.checkout) {
      const answer = status > 0 ? parseTrpcAnswer(text) : { appCode: null, orderId: null }
      checkouts.push({ ...req.checkout, t: intended, status, outcome, orderId: answer.orderId, appCode: answer.appCode })
    }
  }

  const progress = o.onProgress
    ? setInterval(() => o.onProgress!({ tMs: performance.now() - t0, sent, inFlight: pending.size, dropped: droppedMs.length }), 1_000)
    : null

  let next = 0
  await new Promise<void>((resolve) => {
    const tick = () => {
      if (o.signal?.aborted) return resolve()
      const now = performance.now() - t0
      while (next < o.arrivalsMs.length && o.arrivalsMs[next]! <= now) {
        const intended = o.arrivalsMs[next++]!
        const req = o.plan()
        if (pending.size >= o.maxInFlight) {
          droppedMs.push(intended)
          continue
        }
        sent++
        const p = send(intended, req).finally(() => pending.delete(p))
        pending.add(p)
      }
      if (next >= o.arrivalsMs.length) return resolve()
      setTimeout(tick, Math.max(0, o.arrivalsMs[next]! - (performance.now() - t0)))
    }
    tick()
  })
  await Promise.all(pending)
  if (progress) clearInterval(progress)
  const durationMs = performance.now() - t0
  await pool.close()
  await sources?.close()
  samples.sort((a, b) => a.t - b.t)
  return { startedAtEpochMs, durationMs, samples, droppedMs, checkouts }
}

function isTimeout(error: unknown): boolean {
  const e = error as { name?: string; code?: string } | null
  return e?.name === 'TimeoutError' || e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT' || e?.code === 'ABORT_ERR'
}
