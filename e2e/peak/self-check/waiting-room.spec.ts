/**
 * The drill's waiting-room machinery sees what it claims to (issue 17):
 *  - Kendall τ-b matches published values (scipy's documented example, with ties) and the
 *    fairness figure falls when the line admits out of first-seen order;
 *  - "told within one poll" passes shoppers told by their first or second answer after the
 *    sell-out, ignores answers after a unit came back, and fails a shopper left waiting longer,
 *    and a run in which nobody was ever told;
 *  - the open-loop generator follows a queued checkout as the waiting page does (poll at
 *    pollAfterSeconds, the admitted checkout with the same input plus admissionTicket, leave or
 *    stop polling when planned) without adding a single sample, drop or lag to the schedule;
 *  - the room's run options derive the admission rate from the shape, and the room's
 *    thresholds turn a 503 or an unfair line into a FAIL.
 */
import { expect, test } from '@playwright/test'
import { createServer, type IncomingMessage } from 'node:http'
import superjson from 'superjson'
import { kendallTauB } from '../check/kendall-tau'
import { checkSoldOutNotice, MAX_UNTOLD_ANSWERS, soldOutPeriods, type SoldOutNoticeInput } from '../check/sold-out-notice'
import { evaluateThresholds } from '../check/thresholds'
import { analyseWaitingRoom, fairnessOf } from '../check/waiting-room-analysis'
import { admissionRateFor, resolveOptions, SLO_THRESHOLDS } from '../drill-options'
import { runOpenLoop, type QueuedShoppers } from '../load/open-loop'
import type { CheckoutAnswer, LoadSamples, Sample } from '../load/samples'
import type { PollRecord, TicketRecord } from '../load/ticket-follower'
import { seededRng } from '../load/rng'
import { TrafficPlanner, type PlannedRequest } from '../load/traffic'

const HOT = 7

function ticket(key: string, over: Partial<TicketRecord> = {}): TicketRecord {
  return {
    key,
    productIds: [HOT],
    session: 0,
    firstAttemptMs: 0,
    queuedMs: 100,
    firstSeenAt: 1_000,
    positionAtEntry: 1,
    lineLengthAtEntry: 1,
    queuedUnavailable: [],
    abandon: 'none',
    polls: [],
    admitted: null,
    admittedCall: null,
    leave: null,
    end: 'placed',
    detail: null,
    ...over,
  }
}

/** A poll sent at `sentMs`, answered 50 ms later: WAITING (item available), or SOLD_OUT. */
function poll(sentMs: number, state: 'WAITING' | 'SOLD_OUT' = 'WAITING'): PollRecord {
  return { sentMs, receivedMs: sentMs + 50, status: 200, state, early: false, position: state === 'WAITING' ? 3 : null, unavailable: state === 'SOLD_OUT' ? [HOT] : [] }
}

test('Kendall τ-b: agreement, reversal, ties (scipy’s documented example) and one swap in ten', () => {
  expect(kendallTauB([1, 2, 3, 4], [10, 20, 30, 40]).tau).toBe(1)
  expect(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1]).tau).toBe(-1)
  // scipy.stats.kendalltau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) = -0.47140452079103173 (τ-b, ties in both lists).
  expect(kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]).tau).toBeCloseTo(-0.4714045207910317, 12)
  expect(kendallTauB([1, 2, 3, 4, 5], [3, 4, 1, 2, 5]).tau).toBeCloseTo(0.2, 12)
  expect(kendallTauB([1, 1, 2, 3], [1, 2, 2, 3]).tau).toBeCloseTo(0.8, 12)
  // Two neighbours swapped among ten: 44 of 45 pairs agree, τ = 43/45 (passes 0.9); first and last swapped: fails.
  const ten = Array.from({ length: 10 }, (_, i) => i + 1)
  expect(kendallTauB(ten, [1, 2, 3, 4, 5, 6, 7, 8, 10, 9]).tau).toBeCloseTo(43 / 45, 12)
  expect(kendallTauB(ten, [10, 2, 3, 4, 5, 6, 7, 8, 9, 1]).tau!).toBeLessThan(0.9)
  expect(kendallTauB([5], [1]).tau).toBeNull()
  expect(kendallTauB([1, 1, 1], [1, 2, 3]).tau).toBeNull()
  expect(() => kendallTauB([1, 2], [1])).toThrow(RangeError)
})

test('fairness: admission in first-seen order gives τ = 1; admitting late comers first lowers it', () => {
  const admitted = (key: string, firstSeenAt: number, admissionSeq: number) => ticket(key, { firstSeenAt, admitted: { admittedAt: firstSeenAt + 5_000, admissionSeq, seenMs: 6_000 } })
  const fifo = [admitted('a', 1_000, 1), admitted('b', 1_001, 2), admitted('c', 1_005, 3), ticket('left', { end: 'left' })]
  expect(fairnessOf(fifo)).toMatchObject({ tau: 1, n: 3 })
  const unfair = [admitted('a', 1_000, 3), admitted('b', 1_001, 2), admitted('c', 1_005, 1), admitted('d', 1_009, 4)]
  expect(fairnessOf(unfair).tau!).toBeLessThan(0.9)
})

test('told within one poll: first or second answer after the sell-out passes, a third fails, and silence fails', () => {
  // The first SOLD_OUT any shopper got arrived at 10 s; a unit came back at 20 s; sold out again (a refusal) at 25 s.
  const base: SoldOutNoticeInput = { productId: HOT, tickets: [], refusalsMs: [10_000, 25_000], releasesMs: [20_000], finalStock: 0 }
  const toldFirst = ticket('told-first', { polls: [poll(8_000), poll(11_000, 'SOLD_OUT')], end: 'soldOut' })
  // Its poll sent at 10.5 s still said "available" (on its way while the gate closed): the one allowed.
  const toldSecond = ticket('told-second', { polls: [poll(9_500), poll(10_500), poll(12_000, 'SOLD_OUT')], end: 'soldOut' })
  // Waiting while a unit was back (20-25 s) is truthful; told by its first answer after 25 s.
  const afterRelease = ticket('after-release', { queuedMs: 20_500, firstAttemptMs: 20_400, polls: [poll(21_000), poll(22_000), poll(26_000, 'SOLD_OUT')], end: 'soldOut' })
  const otherItem = ticket('other', { productIds: [8], polls: [poll(11_000), poll(12_000), poll(13_000)] })
  // Polls sent just before the sell-out and answered just after: a "sold out" tells at once; a
  // WAITING was on its way before the store knew, and does not count against it.
  const inFlightTold = ticket('in-flight-told', { polls: [poll(9_990, 'SOLD_OUT')], end: 'soldOut' })
  const inFlightUntold = ticket('in-flight-untold', { polls: [poll(9_980), poll(11_000, 'SOLD_OUT')], end: 'soldOut' })
  const good = checkSoldOutNotice({ ...base, tickets: [toldFirst, toldSecond, afterRelease, otherItem, inFlightTold, inFlightUntold] })
  expect(good.periods).toEqual([
    { startMs: 10_000, endMs: 20_000 },
    { startMs: 25_000, endMs: null },
  ])
  expect(good).toMatchObject({ ok: true, waiting: 5, toldFirst: 4, toldSecond: 1, notTold: 0, violations: [] })
  expect(MAX_UNTOLD_ANSWERS).toBe(1)

  // Two answers after the sell-out still called it available, the third told: not within one poll.
  const toldLate = ticket('told-late', { polls: [poll(10_200), poll(11_200), poll(12_200, 'SOLD_OUT')], end: 'soldOut' })
  // Admitted for a sold-out item after a WAITING, then refused at checkout: two answers that did not tell.
  const admittedLate = ticket('admitted-late', {
    polls: [poll(10_300), { ...poll(11_300), state: 'ADMITTED', position: null }],
    admitted: { admittedAt: 0, admissionSeq: 9, seenMs: 11_350 },
    admittedCall: { sentMs: 11_360, tries: 1, receivedMs: 11_400, status: 409, outcome: 'soldOut', orderId: null, appCode: 'SOLD_OUT' },
    end: 'admittedSoldOut',
  })
  const bad = checkSoldOutNotice({ ...base, tickets: [toldFirst, toldSecond, toldLate, admittedLate] })
  expect(bad.ok).toBe(false)
  expect(bad.violations.map((v) => [v.key, v.untold, v.told])).toEqual([
    ['told-late', 2, true],
    ['admitted-late', 2, true],
  ])

  // The item ended sold out, tickets waited for it, and no answer ever said so: nothing was proven, and that fails.
  const silent = checkSoldOutNotice({ productId: HOT, tickets: [ticket('x', { polls: [poll(1_000), poll(2_000)], end: 'gaveUp' })], refusalsMs: [], releasesMs: [], finalStock: 0 })
  expect(silent).toMatchObject({ ok: false, neverSaid: true, periods: [] })
  // … but with units left at the end there was nothing to tell.
  expect(checkSoldOutNotice({ productId: HOT, tickets: [ticket('y', { polls: [poll(1_000)] })], refusalsMs: [], releasesMs: [], finalStock: 3 }).ok).toBe(true)

  // Periods: a release before any sell-out opens nothing; two "sold out" answers in a row make one period.
  expect(soldOutPeriods([5, 6, 30], [1, 10])).toEqual([
    { startMs: 5, endMs: 10 },
    { startMs: 30, endMs: null },
  ])
})

/**
 * A stand-in for the store's checkout with the room always on: placeOrder queues (ticket per
 * key), the first poll says WAITING, the second ADMITTED (product 99: SOLD_OUT; product 55: the
 * first poll is shed with a 503); placeOrder with the admission ticket places the order. It
 * records what it was sent and when.
 */
async function fakeRoom() {
  const seen = { placeOrder: [] as Array<Record<string, unknown>>, polls: [] as Array<{ ticket: string; at: number }>, leaves: [] as string[], answeredAt: new Map<string, number>() }
  const polls = new Map<string, number>()
  const body = (req: IncomingMessage) => new Promise<string>((resolve) => {
    let text = ''
    req.on('data', (d: Buffer) => (text += d.toString()))
    req.on('end', () => resolve(text))
  })
  const ok = (data: unknown) => JSON.stringify({ result: { data: superjson.serialize(data) } })
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    res.setHeader('content-type', 'application/json')
    if (url.pathname === '/api/trpc/checkout.placeOrder') {
      const input = superjson.deserialize<Record<string, unknown>>(JSON.parse(await body(req)) as Parameters<typeof superjson.deserialize>[0])
      seen.placeOrder.push(input)
      if (typeof input.admissionTicket === 'string') {
        return res.end(ok({ orderId: crypto.randomUUID(), status: 'PENDING_PAYMENT', totalCents: 500, currency: 'USD' }))
      }
      const lines = input.lines as Array<{ productId: number }>
      const ticket = `t-${String(input.idempotencyKey)}.sig`
      seen.answeredAt.set(ticket, Date.now())
      return res.end(ok({
        status: 'QUEUED', ticket, position: 2, positionAtEntry: 2, lineLength: 4, estimatedWaitSeconds: 2, pollAfterSeconds: 1, firstSeenAt: Date.now(),
        items: lines.map((l) => ({ productId: l.productId, name: 'Item', available: true })),
      }))
    }
    if (url.pathname === '/api/trpc/checkout.pollTicket') {
      const input = superjson.deserialize<{ ticket: string }>(JSON.parse(url.searchParams.get('input')!) as Parameters<typeof superjson.deserialize>[0])
      seen.polls.push({ ticket: input.ticket, at: Date.now() })
      if (input.ticket.includes('key-55') && !polls.has(`${input.ticket}:shed`)) {
        polls.set(`${input.ticket}:shed`, 1)
        res.statusCode = 503
        return res.end(JSON.stringify({ error: { json: { message: 'busy', data: { appCode: 'UNAVAILABLE' } } } }))
      }
      const n = (polls.get(input.ticket) ?? 0) + 1
      polls.set(input.ticket, n)
      const product = input.ticket.includes('key-99') ? 99 : 1
      const items = [{ productId: product, name: 'Item', available: product !== 99 }]
      seen.answeredAt.set(input.ticket, Date.now())
      if (product === 99 && n >= 2) return res.end(ok({ state: 'SOLD_OUT', ticket: input.ticket, items }))
      if (n >= 2) return res.end(ok({ state: 'ADMITTED', ticket: input.ticket, firstSeenAt: 1, admittedAt: 2, admissionSeq: n, admitUntil: Date.now() + 60_000, items }))
      return res.end(ok({ state: 'WAITING', ticket: input.ticket, position: 1, positionAtEntry: 2, lineLength: 3, estimatedWaitSeconds: 1, pollAfterSeconds: 1, firstSeenAt: 1, early: false, items: [{ ...items[0]!, available: true }] }))
    }
    if (url.pathname === '/api/trpc/checkout.leaveLine') {
      const input = superjson.deserialize<{ ticket: string }>(JSON.parse(await body(req)) as Parameters<typeof superjson.deserialize>[0])
      seen.leaves.push(input.ticket)
      return res.end(ok({ left: true }))
    }
    res.statusCode = 404
    res.end('{}')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return { origin: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen, close: () => server.close() }
}

function checkouts(run: string, productIds: number[]): () => PlannedRequest {
  let i = 0
  return () => {
    const productId = productIds[i++ % productIds.length]!
    const key = `${run}-key-${productId}-${i}-abcdefgh`
    return {
      endpoint: 'checkout',
      method: 'POST',
      path: '/api/trpc/checkout.placeOrder',
      headers: { 'content-type': 'application/json', cookie: 'sid=1' },
      body: JSON.stringify(superjson.serialize({ idempotencyKey: key, email: 'a@example.com', shippingName: 'A', shippingAddress: 'B', lines: [{ productId, quantity: 1 }] })),
      checkout: { key, productId, hot: productId === 99, replay: false, session: 0 },
    }
  }
}

async function drive(origin: string, run: string, productIds: number[], queuedShoppers?: QueuedShoppers): Promise<LoadSamples> {
  return runOpenLoop({ origin, arrivalsMs: [0, 20, 40, 60], plan: checkouts(run, productIds), maxInFlight: 100, requestTimeoutMs: 10_000, connections: 8, ...(queuedShoppers && { queuedShoppers }) })
}

test('the generator follows queued checkouts like the waiting page, apart from the schedule', async () => {
  const room = await fakeRoom()
  try {
    const load = await drive(room.origin, 'follow', [1, 1, 55, 99])
    // The schedule is untouched: one sample per arrival, none dropped; follow-ups are counted apart.
    expect(load.samples).toHaveLength(4)
    expect(load.samples.every((s: Sample) => s.outcome === 'queued')).toBe(true)
    expect(load.droppedMs).toEqual([])
    expect(load.tickets.map((t) => t.end).sort()).toEqual(['placed', 'placed', 'placed', 'soldOut'])
    // Product 55's first poll was shed: tried again at the same interval, and counted outside the contract.
    expect(load.followUps.filter((f) => f.kind === 'poll')).toHaveLength(9)
    expect(load.followUps.filter((f) => f.kind === 'admitted')).toHaveLength(3)
    expect(load.followUps.filter((f) => f.unexpected).map((f) => [f.kind, f.status, f.appCode])).toEqual([['poll', 503, 'UNAVAILABLE']])
    // The admitted call is the same input plus the admission ticket, and its order is recorded as an answer.
    const admittedCalls = room.seen.placeOrder.filter((p) => p.admissionTicket)
    expect(admittedCalls).toHaveLength(3)
    for (const call of admittedCalls) {
      const firstCall = room.seen.placeOrder.find((p) => p.idempotencyKey === call.idempotencyKey && !p.admissionTicket)!
      expect({ ...call, admissionTicket: undefined }).toEqual({ ...firstCall, admissionTicket: undefined })
      expect(call.admissionTicket).toBe(`t-${String(call.idempotencyKey)}.sig`)
    }
    expect(load.checkouts.filter((c) => c.via === 'admitted' && c.outcome === 'ok' && c.orderId)).toHaveLength(3)
    expect(load.followUpsEndedMs).toBeGreaterThanOrEqual(load.durationMs)
    // Never early: each poll came at least pollAfterSeconds (1 s) after the answer before it.
    for (const t of load.tickets) {
      const list = room.seen.polls.filter((p) => p.ticket === `t-${t.key}.sig`)
      expect(list).toHaveLength(t.productIds[0] === 55 ? 3 : 2)
      for (let i = 1; i < list.length; i++) expect(list[i]!.at - list[i - 1]!.at).toBeGreaterThanOrEqual(1_000)
      expect(t.polls.every((p) => !p.early)).toBe(true)
    }

    // Planned abandonment when the first poll is due: every queued shopper leaves the line; then every one never polls.
    const leaving = await drive(room.origin, 'leave', [1], { abandonSilentShare: 0, abandonLeaveShare: 1, seed: 1 })
    expect(leaving.tickets.map((t) => [t.end, t.polls.length])).toEqual(Array.from({ length: 4 }, () => ['left', 0]))
    expect(room.seen.leaves).toHaveLength(4)
    const closing = await drive(room.origin, 'close', [1], { abandonSilentShare: 1, abandonLeaveShare: 0, seed: 1 })
    expect(closing.tickets.map((t) => [t.end, t.polls.length])).toEqual(Array.from({ length: 4 }, () => ['stoppedPolling', 0]))
    expect(closing.followUps).toEqual([])
  } finally {
    room.close()
  }
})

test('a new checkout never lands in a session that is waiting in line; the arrival sequence is unchanged', () => {
  const mix = { browse: 0, cart: 0, checkout: 1, hotShare: 0.5, replayShare: 0, longTailShare: 0, hotStockShare: 0.5 }
  const catalog = { topSlugs: ['a'], longTailSlugs: [], categorySlugs: ['c'], searchTerms: ['x'], regularIds: [1, 2], stockIds: [1], hotId: 99 }
  const sessions = ['s0', 's1', 's2', 's3']
  const free = new TrafficPlanner(seededRng(5), mix, catalog, sessions)
  const busy = new Set([0, 1, 2])
  const avoiding = new TrafficPlanner(seededRng(5), mix, catalog, sessions, busy)
  for (let i = 0; i < 20; i++) {
    const a = free.next().checkout!
    const b = avoiding.next().checkout!
    expect(b.session).toBe(3)
    expect([b.productId, b.hot]).toEqual([a.productId, a.hot])
  }
})

test("the room's options follow the run's shape, and its thresholds fail a 503 or an unfair line", () => {
  const ci = resolveOptions({ profile: 'ci' })
  expect(ci.waitingRoom).toMatchObject({ mode: 'auto', admissionRatePerSecond: 0.9 }) // 4/s × 10 × 3 % × 75 %
  expect(resolveOptions({ profile: 'quick' }).waitingRoom).toBeNull()
  const quick = resolveOptions({ profile: 'quick', waitingRoom: true })
  expect(quick.waitingRoom?.admissionRatePerSecond).toBe(admissionRateFor(quick.shape, quick.mix))
  expect(quick.waitingRoom?.admissionRatePerSecond).toBe(3.38)
  expect(resolveOptions({ profile: 'quick', waitingRoom: true, shape: { baselineRps: 20 } }).waitingRoom?.admissionRatePerSecond).toBe(4.5)
  expect(resolveOptions({ profile: 'ci', waitingRoom: false }).waitingRoom).toBeNull()
  expect(resolveOptions({ profile: 'quick', waitingRoom: true, admissionRate: 7 }).waitingRoom?.admissionRatePerSecond).toBe(7)
  expect(() => resolveOptions({ profile: 'quick', admissionRate: 7 })).toThrow(/goes with the waiting room/)

  const plan = quick.waitingRoom!
  const samples: Sample[] = [{ t: 40_000, endpoint: 'checkout', outcome: 'ok', status: 200, latencyMs: 80, lagMs: 1 }]
  const admitted = (key: string, firstSeenAt: number, admissionSeq: number): TicketRecord =>
    ticket(key, {
      firstSeenAt,
      queuedMs: 41_000,
      firstAttemptMs: 40_900,
      admitted: { admittedAt: firstSeenAt + 3_000, admissionSeq, seenMs: 44_000 },
      admittedCall: { sentMs: 44_010, tries: 1, receivedMs: 44_110, status: 200, outcome: 'ok', orderId: 'o', appCode: null },
    })
  const load = (tickets: TicketRecord[], extra: Sample[] = [], checkouts: CheckoutAnswer[] = []): LoadSamples => ({
    startedAtEpochMs: 0, durationMs: 92_000, samples: [...samples, ...extra], droppedMs: [], checkouts, tickets, followUps: [], followUpsEndedMs: 92_000,
  })
  const notice = checkSoldOutNotice({ productId: HOT, tickets: [], refusalsMs: [], releasesMs: [], finalStock: 1 })
  const judge = (l: LoadSamples) => {
    const room = analyseWaitingRoom({ plan, load: l, samples: [], faultWindows: [], notice })
    const rows = evaluateThresholds(SLO_THRESHOLDS, { load: l, loadStartedAt: 0, shape: quick.shape, faultWindows: [], journeys: [], drainS: 1, drained: true, room })
    return { room, failed: rows.filter((r) => !r.ok && r.key !== 'journeysMin' && r.key !== 'productP99StepRatioMax').map((r) => r.key) }
  }
  const fair = judge(load([admitted('a', 1, 1), admitted('b', 2, 2), admitted('c', 3, 3)]))
  expect(fair.failed).toEqual([])
  // The admitted call's 100 ms is the accepted latency; from the first attempt it is 3.2 s.
  expect(fair.room.admittedCalls.p99).toBeCloseTo(100, 0)
  expect(fair.room.acceptedFromFirstAttempt.max).toBeGreaterThan(3_000)
  expect(fair.room.acceptedFromPlacingCall.max).toBeLessThan(200)
  const refused = judge(
    load(
      [admitted('a', 1, 1), admitted('b', 2, 2)],
      [{ t: 41_000, endpoint: 'checkout', outcome: 'shed', status: 503, latencyMs: 5, lagMs: 1 }],
      [{ via: 'first', key: 'k', productId: 1, hot: false, replay: false, session: 0, t: 41_000, answeredMs: 41_005, status: 503, outcome: 'shed', orderId: null, appCode: 'UNAVAILABLE' }],
    ),
  )
  expect(refused.failed).toEqual(['checkout503Max'])
  expect(refused.room.checkout503By).toEqual({ 'first attempt UNAVAILABLE': 1 })
  const unfair = judge(load([admitted('a', 1, 3), admitted('b', 2, 2), admitted('c', 3, 1)]))
  expect(unfair.failed).toEqual(['fairnessTauMin'])
  // Nobody admitted from the line: τ is undefined, and the run proved nothing about fairness.
  expect(judge(load([])).failed).toEqual(['fairnessTauMin'])
})
