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
 *
 * A checkout the waiting room queued (issue 17) is followed as the shopper's browser would
 * (ticket-follower.ts): polls, the admitted checkout, or leaving. Those follow-up requests go
 * through a pool of their own and are recorded apart (`followUps`, `tickets`): they never
 * delay a scheduled arrival, never count against the in-flight cap (no dropped arrivals), and
 * are not in `samples`, so the lag and drop validity checks judge the schedule alone.
 */
import superjson from 'superjson'
import { Pool } from 'undici'
import { sourcePools, type SourcePools } from './source-addresses'
import { classify, parseTrpcAnswer, type Outcome } from './outcome'
import { seededRng } from './rng'
import type { CheckoutAnswer, LoadSamples, Sample } from './samples'
import { drawAbandon, followTicket, type CallResult, type FollowerTransport, type FollowUpSample, type TicketRecord } from './ticket-follower'
import type { PlannedRequest } from './traffic'

/** Connections of the follow-up pool (polls are small, and a waiting page holds no connection between them). */
export const FOLLOW_UP_CONNECTIONS = 64
/** A queued shopper gives up this long after the queued answer (the place would expire at TICKET_IDLE_EXPIRY_MS anyway). */
export const FOLLOW_GIVE_UP_MS = 120_000

/** What queued shoppers do (the drill's waiting-room plan); absent: nobody abandons. */
export interface QueuedShoppers {
  abandonSilentShare: number
  abandonLeaveShare: number
  /** Seeds the abandon draws (apart from the traffic's own random sequence, so the schedule never depends on answers). */
  seed: number
}

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
  queuedShoppers?: QueuedShoppers
  /**
   * Sessions with a first checkout attempt in flight or a place in line: added when such a
   * checkout is sent, removed when its answer is not QUEUED or its wait ends. The traffic
   * planner reads it, so a new checkout never lands in a session that is waiting in line.
   */
  busySessions?: Set<number>
}

interface Route {
  via: Pool
  headers: Record<string, string>
}

/** Routes a request: its client's source address, or the one pool with X-Forwarded-For. */
function router(pool: Pool, sources: SourcePools | null): (req: Pick<PlannedRequest, 'headers'>) => Route {
  return (req) => {
    if (!sources) return { via: pool, headers: req.headers }
    const { 'x-forwarded-for': client = 'anonymous', ...headers } = req.headers
    return { via: sources.poolFor(client), headers }
  }
}

export async function runOpenLoop(o: OpenLoopOptions): Promise<LoadSamples> {
  const pool = new Pool(o.origin, {
    connections: o.connections,
    pipelining: 1,
    headersTimeout: o.requestTimeoutMs,
    bodyTimeout: o.requestTimeoutMs,
  })
  const sources = o.fromSourceAddresses ? sourcePools(o.origin, { requestTimeoutMs: o.requestTimeoutMs }) : null
  const route = router(pool, sources)
  // Follow-ups travel apart, so a burst of polls never holds a connection a scheduled arrival needs.
  const followPool = new Pool(o.origin, { connections: FOLLOW_UP_CONNECTIONS, pipelining: 1, headersTimeout: o.requestTimeoutMs, bodyTimeout: o.requestTimeoutMs })
  const followSources = o.fromSourceAddresses ? sourcePools(o.origin, { requestTimeoutMs: o.requestTimeoutMs }) : null
  const followRoute = router(followPool, followSources)
  const samples: Sample[] = []
  const droppedMs: number[] = []
  const checkouts: CheckoutAnswer[] = []
  const tickets: TicketRecord[] = []
  const followUps: FollowUpSample[] = []
  const pending = new Set<Promise<void>>()
  const followers = new Set<Promise<void>>()
  /** Tickets already followed: a double submit that gets the same place back is one shopper in line, not two. */
  const followed = new Set<string>()
  const abandonRng = seededRng(o.queuedShoppers?.seed ?? 0)
  const startedAtEpochMs = Date.now()
  const t0 = performance.now()
  const now = () => performance.now() - t0
  let sent = 0

  /** One follow-up call on the follow-up pool; never throws (status 0 when unanswered). */
  async function call(req: PlannedRequest, method: 'GET' | 'POST', path: string, body?: string): Promise<CallResult> {
    const { via, headers } = followRoute(req)
    const bare = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'content-type'))
    const sentMs = now()
    try {
      const res = await via.request({
        path,
        method,
        headers: method === 'POST' ? { ...bare, 'content-type': 'application/json' } : bare,
        body,
        signal: AbortSignal.timeout(o.requestTimeoutMs),
      })
      const answer = parseTrpcAnswer(await res.body.text())
      return { status: res.statusCode, data: answer.data, appCode: answer.appCode, sentMs, receivedMs: now(), timedOut: false }
    } catch (error) {
      return { status: 0, data: undefined, appCode: null, sentMs, receivedMs: now(), timedOut: isTimeout(error) }
    }
  }

  function transportFor(req: PlannedRequest): FollowerTransport {
    const input = superjson.deserialize<Record<string, unknown>>(JSON.parse(req.body ?? '{}') as Parameters<typeof superjson.deserialize>[0])
    const query = (ticket: string) => `/api/trpc/checkout.pollTicket?input=${encodeURIComponent(JSON.stringify(superjson.serialize({ ticket })))}`
    return {
      poll: (ticket) => call(req, 'GET', query(ticket)),
      placeAdmitted: (admissionTicket) => call(req, 'POST', req.path, JSON.stringify(superjson.serialize({ ...input, admissionTicket }))),
      leave: (ticket) => call(req, 'POST', '/api/trpc/checkout.leaveLine', JSON.stringify(superjson.serialize({ ticket }))),
    }
  }

  /** Starts following a queued checkout (once per ticket); the generator waits for every follower before it ends. */
  function follow(req: PlannedRequest, intended: number, answer: ReturnType<typeof parseTrpcAnswer>): void {
    const meta = req.checkout!
    const queued = answer.queued
    // A double submit gets the same place back: the shopper's first page is already following it.
    if (queued && followed.has(queued.ticket)) return
    const first = { key: meta.key, productIds: [meta.productId], session: meta.session, firstAttemptMs: intended, queuedMs: now() }
    if (!queued) {
      // A QUEUED answer the contract does not describe: nothing to follow; recorded as a failed ticket.
      o.busySessions?.delete(meta.session)
      followUps.push({ kind: 'poll', t: first.queuedMs, latencyMs: 0, status: 200, outcome: 'queued', appCode: null, unexpected: true })
      return
    }
    followed.add(queued.ticket)
    const abandon = drawAbandon(abandonRng(), o.queuedShoppers ?? { abandonSilentShare: 0, abandonLeaveShare: 0 })
    const p = followTicket(first, queued, {
      transport: transportFor(req),
      now,
      abandon,
      giveUpMs: FOLLOW_GIVE_UP_MS,
      signal: o.signal,
      onFollowUp: (s) => followUps.push(s),
    }).then((ticket) => {
      o.busySessions?.delete(meta.session)
      tickets.push(ticket)
      const c = ticket.admittedCall
      if (c) {
        // The last try's answer (earlier tries got no answer, 5xx or shedding: no order to match).
        checkouts.push({ ...meta, via: 'admitted', t: c.sentMs, answeredMs: c.receivedMs, status: c.status, outcome: c.outcome, orderId: c.orderId, appCode: c.appCode })
      }
    })
    const tracked = p.finally(() => followers.delete(tracked))
    followers.add(tracked)
  }

  async function send(intended: number, req: PlannedRequest): Promise<void> {
    const lagMs = performance.now() - t0 - intended
    let status = 0
    let outcome: Outcome
    let text = ''
    let cache: string | undefined
    let answer: ReturnType<typeof parseTrpcAnswer> | null = null
    const firstCheckout = req.checkout && !req.checkout.replay ? req.checkout : null
    if (firstCheckout) o.busySessions?.add(firstCheckout.session)
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
      if (req.checkout || status >= 400) answer = parseTrpcAnswer(text)
      outcome = classify(status, answer?.appCode ?? null, answer?.isQueued ?? false)
    } catch (error) {
      outcome = isTimeout(error) ? 'timeout' : 'network'
    }
    const latencyMs = performance.now() - t0 - intended
    samples.push({ t: intended, endpoint: req.endpoint, outcome, status, latencyMs, lagMs, ...(cache && { cache }) })
    if (req.checkout) {
      checkouts.push({ ...req.checkout, via: 'first', t: intended, answeredMs: intended + latencyMs, status, outcome, orderId: answer?.orderId ?? null, appCode: answer?.appCode ?? null })
      if (outcome === 'queued' && answer) follow(req, intended, answer)
      else if (firstCheckout) o.busySessions?.delete(firstCheckout.session)
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
  const durationMs = performance.now() - t0
  // Queued shoppers still in line when the schedule ends keep polling until they are done.
  while (followers.size > 0) await Promise.all([...followers])
  const followUpsEndedMs = Math.max(durationMs, performance.now() - t0)
  if (progress) clearInterval(progress)
  await Promise.all([pool.close(), followPool.close(), sources?.close(), followSources?.close()])
  samples.sort((a, b) => a.t - b.t)
  tickets.sort((a, b) => a.queuedMs - b.queuedMs)
  followUps.sort((a, b) => a.t - b.t)
  return { startedAtEpochMs, durationMs, samples, droppedMs, checkouts, tickets, followUps, followUpsEndedMs }
}

function isTimeout(error: unknown): boolean {
  const e = error as { name?: string; code?: string } | null
  return e?.name === 'TimeoutError' || e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT' || e?.code === 'ABORT_ERR'
}
