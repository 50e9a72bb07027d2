/**
 * A shopper the waiting room queued, followed the way the waiting page does it (issue 17):
 * wait `pollAfterSeconds` after each answer, poll `checkout.pollTicket`; on ADMITTED send the
 * admitted checkout (the same input plus `admissionTicket`) at once; on SOLD_OUT stop. A planned
 * share of shoppers abandon when their first poll is due (they saw their place in the queued
 * answer): some never poll (a closed tab: the room only learns when the place expires), some
 * leave the line (`checkout.leaveLine`) instead. Abandoning before the first poll's answer makes
 * every planned abandoner count, whatever that poll would have said.
 *
 * The follower owns no connection: a transport sends its three calls (the load generator's
 * follow-up pool, or the drill admin's probe shopper), so the same steps serve both. Times are
 * on the caller's clock (`now`), in ms. Every call and its answer is recorded on the ticket, so
 * the drill can judge waits, fairness and "told within one poll" afterwards (check/*).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { POLL_MARGIN_MS, pollTicketOutput, type QueuedAnswer } from '../../../server/waiting-room/waiting-room.schema'
import { classify, type Outcome } from './outcome'

/**
 * A poll or an admitted checkout that got no answer, a 5xx, 429 or 503 is tried again (as the
 * waiting page's query retries), up to this many times in a row before the follower gives up.
 * Every failed try still counts as a follow-up answered outside the contract.
 */
export const FOLLOW_RETRIES = 3
/** Pause before trying a failed admitted checkout again (the admission stays valid for ADMISSION_VALID_MS). */
export const ADMITTED_RETRY_MS = 1_000

/** No answer, a server error or shedding: worth another try. */
const transient = (r: CallResult) => r.status === 0 || r.status >= 500 || r.status === 429

export type Abandon = 'none' | 'silent' | 'leave'

/** One call's answer as a transport hands it back. status 0: no answer (network error or timeout). */
export interface CallResult {
  status: number
  /** The result's data (superjson-decoded `json`), undefined on an error. */
  data: unknown
  appCode: string | null
  sentMs: number
  receivedMs: number
  /** No answer within the request timeout. */
  timedOut: boolean
}

export interface FollowerTransport {
  poll(ticket: string): Promise<CallResult>
  /** checkout.placeOrder again with the first attempt's input plus `admissionTicket`. */
  placeAdmitted(admissionTicket: string): Promise<CallResult>
  leave(ticket: string): Promise<CallResult>
}

export type TicketEnd =
  /** The admitted checkout placed the order. */
  | 'placed'
  /** A poll said SOLD_OUT. */
  | 'soldOut'
  /** Admitted, but the admitted checkout was refused SOLD_OUT (the last unit went meanwhile). */
  | 'admittedSoldOut'
  | 'left'
  | 'stoppedPolling'
  /** Still waiting after the follower's give-up time. */
  | 'gaveUp'
  /** The run ended (the generator was stopped) while waiting. */
  | 'stopped'
  /** An answer the contract does not allow, or no answer: see `detail`. */
  | 'error'

export interface PollRecord {
  sentMs: number
  receivedMs: number
  status: number
  state: 'WAITING' | 'ADMITTED' | 'SOLD_OUT' | null
  early: boolean
  position: number | null
  /** Products the answer named unavailable (every item, for SOLD_OUT). */
  unavailable: number[]
}

export interface AdmittedCall {
  /** The first try's send time (a retried call is measured from its first try). */
  sentMs: number
  /** Tries made (1 unless the store failed to answer). */
  tries: number
  receivedMs: number
  status: number
  outcome: Outcome
  orderId: string | null
  appCode: string | null
}

export interface TicketRecord {
  key: string
  productIds: number[]
  session: number
  /** The first placeOrder's intended send time: the first-attempt latency counts from here. */
  firstAttemptMs: number
  /** When the QUEUED answer arrived. */
  queuedMs: number
  /** The server's first-seen time (ms since the epoch): the line's order. */
  firstSeenAt: number
  positionAtEntry: number
  lineLengthAtEntry: number
  /** Products the queued answer already named unavailable. */
  queuedUnavailable: number[]
  abandon: Abandon
  polls: PollRecord[]
  /** From the ADMITTED poll: the server's admission time and number, and when the shopper saw it. */
  admitted: { admittedAt: number; admissionSeq: number; seenMs: number } | null
  admittedCall: AdmittedCall | null
  leave: { sentMs: number; status: number } | null
  end: TicketEnd
  detail: string | null
}

/** A follow-up request (poll, admitted checkout, leave): counted apart from the scheduled arrivals. */
export interface FollowUpSample {
  kind: 'poll' | 'admitted' | 'leave'
  /** Sent at, on the caller's clock. */
  t: number
  latencyMs: number
  status: number
  outcome: Outcome
  /** The error's domain code, if any (which layer refused). */
  appCode: string | null
  /** True when the answer is not one the contract allows here (counted by followUpUnexpectedMax). */
  unexpected: boolean
}

export interface FollowContext {
  transport: FollowerTransport
  now: () => number
  abandon: Abandon
  /** Stop waiting this long after the queued answer (the ticket ends `gaveUp`). */
  giveUpMs: number
  signal?: AbortSignal
  /** Each follow-up request, as it completes. */
  onFollowUp?: (s: FollowUpSample) => void
}

export interface FirstAttempt {
  key: string
  productIds: number[]
  session: number
  firstAttemptMs: number
  queuedMs: number
}

const unavailableOf = (items: ReadonlyArray<{ productId: number; available: boolean }>) => items.filter((i) => !i.available).map((i) => i.productId)

function outcomeOf(r: CallResult): Outcome {
  if (r.status === 0) return r.timedOut ? 'timeout' : 'network'
  return classify(r.status, r.appCode, (r.data as { status?: unknown } | undefined)?.status === 'QUEUED')
}

/** Follows one queued checkout until it ends; never throws (a failure ends the ticket as `error`). */
export async function followTicket(first: FirstAttempt, queued: QueuedAnswer, ctx: FollowContext): Promise<TicketRecord> {
  const record: TicketRecord = {
    ...first,
    firstSeenAt: queued.firstSeenAt,
    positionAtEntry: queued.positionAtEntry,
    lineLengthAtEntry: queued.lineLength,
    queuedUnavailable: unavailableOf(queued.items),
    abandon: ctx.abandon,
    polls: [],
    admitted: null,
    admittedCall: null,
    leave: null,
    end: 'error',
    detail: null,
  }
  const note = (kind: FollowUpSample['kind'], r: CallResult, unexpected: boolean) =>
    ctx.onFollowUp?.({ kind, t: r.sentMs, latencyMs: r.receivedMs - r.sentMs, status: r.status, outcome: outcomeOf(r), appCode: r.appCode, unexpected })
  const end = (how: TicketEnd, detail: string | null = null) => {
    record.end = how
    record.detail = detail
    return record
  }
  let waitMs = queued.pollAfterSeconds * 1000 + POLL_MARGIN_MS
  let lastPollAfterMs = waitMs
  let failures = 0
  try {
    for (;;) {
      if (ctx.now() + waitMs - first.queuedMs > ctx.giveUpMs) return end('gaveUp', `still waiting after ${ctx.giveUpMs} ms`)
      try {
        await sleep(waitMs, undefined, { signal: ctx.signal })
      } catch {
        return end('stopped')
      }
      // The planned abandoners go when their first poll is due.
      if (ctx.abandon === 'silent') return end('stoppedPolling')
      if (ctx.abandon === 'leave') {
        const l = await ctx.transport.leave(queued.ticket)
        record.leave = { sentMs: l.sentMs, status: l.status }
        note('leave', l, l.status !== 200)
        return l.status === 200 ? end('left') : end('error', `leaveLine answered ${l.status}${l.appCode ? ` ${l.appCode}` : ''}`)
      }
      const r = await ctx.transport.poll(queued.ticket)
      const parsed = r.status === 200 ? pollTicketOutput.safeParse(r.data) : null
      const answer = parsed?.success ? parsed.data : null
      record.polls.push({
        sentMs: r.sentMs,
        receivedMs: r.receivedMs,
        status: r.status,
        state: answer?.state ?? null,
        early: answer?.state === 'WAITING' ? answer.early : false,
        position: answer?.state === 'WAITING' ? answer.position : null,
        unavailable: answer ? (answer.state === 'SOLD_OUT' ? answer.items.map((i) => i.productId) : unavailableOf(answer.items)) : [],
      })
      note('poll', r, answer === null)
      if (!answer && transient(r) && failures < FOLLOW_RETRIES) {
        failures++
        waitMs = lastPollAfterMs
        continue
      }
      if (!answer) return end('error', `poll answered ${r.status}${r.appCode ? ` ${r.appCode}` : ''}${r.status === 200 ? ' outside the contract' : ''}`)
      failures = 0
      if (answer.state === 'SOLD_OUT') return end('soldOut')
      if (answer.state === 'ADMITTED') {
        record.admitted = { admittedAt: answer.admittedAt, admissionSeq: answer.admissionSeq, seenMs: r.receivedMs }
        let c = await ctx.transport.placeAdmitted(answer.ticket)
        const firstTryMs = c.sentMs
        let tries = 1
        note('admitted', c, !['ok', 'soldOut'].includes(outcomeOf(c)))
        while (transient(c) && tries <= FOLLOW_RETRIES) {
          try {
            await sleep(ADMITTED_RETRY_MS, undefined, { signal: ctx.signal })
          } catch {
            break
          }
          c = await ctx.transport.placeAdmitted(answer.ticket)
          tries++
          note('admitted', c, !['ok', 'soldOut'].includes(outcomeOf(c)))
        }
        const outcome = outcomeOf(c)
        const orderId = (c.data as { orderId?: unknown } | undefined)?.orderId
        record.admittedCall = { sentMs: firstTryMs, tries, receivedMs: c.receivedMs, status: c.status, outcome, orderId: typeof orderId === 'string' ? orderId : null, appCode: c.appCode }
        if (outcome === 'ok') return end('placed')
        if (outcome === 'soldOut') return end('admittedSoldOut')
        return end('error', outcome === 'queued' ? 'queued again after admission' : `admitted checkout answered ${c.status}${c.appCode ? ` ${c.appCode}` : ''}`)
      }
      lastPollAfterMs = answer.pollAfterSeconds * 1000 + POLL_MARGIN_MS
      waitMs = Math.max(0, lastPollAfterMs - (ctx.now() - r.receivedMs))
    }
  } catch (error) {
    return end('error', error instanceof Error ? error.message : String(error))
  }
}

/** Who abandons: drawn from `rng` per queued shopper, in the plan's shares. */
export function drawAbandon(r: number, shares: { abandonSilentShare: number; abandonLeaveShare: number }): Abandon {
  if (r < shares.abandonSilentShare) return 'silent'
  if (r < shares.abandonSilentShare + shares.abandonLeaveShare) return 'leave'
  return 'none'
}
