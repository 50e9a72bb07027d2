/**
 * What the waiting room did during a drill (issue 17), from the generator's tickets and
 * follow-ups, the server's live figures sampled through `ops.waitingRoom`, and the sold-out
 * check's result:
 *  - accepted checkouts: the p99 of placed orders measured from the call that placed them (a
 *    first attempt that went straight through, or the admitted call), and the same orders
 *    measured from the shopper's first attempt (time in line included);
 *  - waits from first seen to admitted: the server's (admittedAt − firstSeenAt) and the
 *    shopper's (queued answer → the poll that said ADMITTED);
 *  - fairness: Kendall τ-b between first-seen time and admission number over admitted tickets;
 *  - abandoned places, as the generator planned them and as the server counted them;
 *  - line length over time, the server's and the generator's own count;
 *  - checkout 503s (the room queues instead of refusing) and follow-up answers outside the contract.
 */
import type { WaitingRoomFigures } from '../../../server/waiting-room/waiting-room.schema'
import type { WaitingRoomPlan } from '../drill-options'
import { overlapsWindows, percentilesOfMs, type Percentiles, type Window } from '../load/analysis'
import type { LoadSamples } from '../load/samples'
import type { TicketEnd, TicketRecord } from '../load/ticket-follower'
import { kendallTauB, type KendallTau } from './kendall-tau'
import type { SoldOutNotice } from './sold-out-notice'

/** One sample of the server's live figures (ops.waitingRoom), at `tMs` after the load started. */
export interface RoomSample {
  tMs: number
  figures: WaitingRoomFigures | null
  /** Why there are no figures (the admin's query failed). */
  error: string | null
}

export interface LinePoint {
  /** Seconds since the load started. */
  s: number
  /** The server's line length (last sample at or before s), null before the first sample. */
  server: number | null
  /** Tickets the generator had in line (queued answer → the answer that ended its wait). */
  generator: number
}

export interface WaitingRoomReport {
  plan: WaitingRoomPlan
  /** Tickets by how they ended. */
  ends: Record<TicketEnd, number>
  queued: number
  followUps: {
    polls: number
    early: number
    admittedCalls: number
    leaves: number
    unexpected: number
    /** Those outside the contract by kind and status, e.g. { 'poll 0': 3, 'admitted 503': 1 } (status 0: no answer). */
    unexpectedBy: Record<string, number>
    /** Tickets that ended in error, with why (at most 10). */
    unexpectedDetail: string[]
  }
  /** Placed orders: from the call that placed them / from the first attempt / admitted calls alone. */
  acceptedFromPlacingCall: Percentiles
  acceptedFromFirstAttempt: Percentiles
  admittedCalls: Percentiles
  waitServer: Percentiles
  waitShopper: Percentiles
  fairness: KendallTau
  abandoned: { left: number; stoppedPolling: number; serverLast: number | null; serverMax: number | null }
  checkout503: number
  /** Those 503s by call and the error's domain code (which layer refused: the limiter failing closed, shedding, …). */
  checkout503By: Record<string, number>
  line: LinePoint[]
  server: { samples: number; failed: number; maxLine: number | null; maxWaitP95Ms: number | null; maxAdmittedPerSecond: number | null; last: WaitingRoomFigures | null }
  notice: SoldOutNotice
}

/** When the ticket stopped waiting, as the generator saw it. */
export function leftLineMs(t: TicketRecord): number {
  return t.admitted?.seenMs ?? t.leave?.sentMs ?? t.polls.at(-1)?.receivedMs ?? t.queuedMs
}

/** Line length per second: the server's samples and the generator's own tickets. */
export function lineSeries(tickets: readonly TicketRecord[], samples: readonly RoomSample[], untilMs: number): LinePoint[] {
  const seconds = Math.ceil(untilMs / 1000)
  const sorted = [...samples].filter((x) => x.figures).sort((a, b) => a.tMs - b.tMs)
  let k = -1
  return Array.from({ length: seconds + 1 }, (_, s) => {
    const at = s * 1000
    while (k + 1 < sorted.length && sorted[k + 1]!.tMs <= at) k++
    return {
      s,
      server: k >= 0 ? sorted[k]!.figures!.lineLength : null,
      generator: tickets.filter((t) => t.queuedMs <= at && at < leftLineMs(t)).length,
    }
  })
}

/** Kendall τ-b between first-seen time and admission number, over tickets the line admitted. */
export function fairnessOf(tickets: readonly TicketRecord[]): KendallTau {
  const admitted = tickets.filter((t) => t.admitted)
  return kendallTauB(
    admitted.map((t) => t.firstSeenAt),
    admitted.map((t) => t.admitted!.admissionSeq),
  )
}

const maxOf = (values: number[]) => (values.length ? Math.max(...values) : null)

export function analyseWaitingRoom(input: {
  plan: WaitingRoomPlan
  load: LoadSamples
  samples: readonly RoomSample[]
  faultWindows: readonly Window[]
  notice: SoldOutNotice
}): WaitingRoomReport {
  const { load, faultWindows } = input
  const tickets = load.tickets
  const outside = (s: { t: number; latencyMs: number }) => !overlapsWindows(s, faultWindows)
  const ends = { placed: 0, soldOut: 0, admittedSoldOut: 0, left: 0, stoppedPolling: 0, gaveUp: 0, stopped: 0, error: 0 } satisfies Record<TicketEnd, number>
  for (const t of tickets) ends[t.end]++

  const direct = load.samples.filter((s) => s.endpoint === 'checkout' && s.outcome === 'ok' && outside(s)).map((s) => s.latencyMs)
  const placed = tickets.filter((t) => t.admittedCall?.outcome === 'ok' && outside({ t: t.admittedCall.sentMs, latencyMs: t.admittedCall.receivedMs - t.admittedCall.sentMs }))
  const admittedLatency = placed.map((t) => t.admittedCall!.receivedMs - t.admittedCall!.sentMs)
  const fromFirst = placed.map((t) => t.admittedCall!.receivedMs - t.firstAttemptMs)

  const checkout503By: Record<string, number> = {}
  const count503 = (label: string) => (checkout503By[label] = (checkout503By[label] ?? 0) + 1)
  for (const s of load.checkouts) if (s.via === 'first' && s.status === 503 && outside({ t: s.t, latencyMs: s.answeredMs - s.t })) count503(`first attempt ${s.appCode ?? '–'}`)
  for (const f of load.followUps) if (f.kind === 'admitted' && f.status === 503 && outside(f)) count503(`admitted call ${f.appCode ?? '–'}`)
  const unexpected = load.followUps.filter((f) => f.unexpected)
  const unexpectedBy: Record<string, number> = {}
  for (const f of unexpected) {
    const label = `${f.kind} ${f.status}${f.appCode ? ` ${f.appCode}` : ''}`
    unexpectedBy[label] = (unexpectedBy[label] ?? 0) + 1
  }
  const unexpectedDetail = tickets.filter((t) => t.end === 'error').map((t) => `${t.key}: ${t.detail ?? 'error'}`)

  const figures = input.samples.map((x) => x.figures).filter((f): f is WaitingRoomFigures => f !== null)
  const admittedTickets = tickets.filter((t) => t.admitted)
  return {
    plan: input.plan,
    ends,
    queued: tickets.length,
    followUps: {
      polls: load.followUps.filter((f) => f.kind === 'poll').length,
      early: tickets.reduce((n, t) => n + t.polls.filter((p) => p.early).length, 0),
      admittedCalls: load.followUps.filter((f) => f.kind === 'admitted').length,
      leaves: load.followUps.filter((f) => f.kind === 'leave').length,
      unexpected: unexpected.length,
      unexpectedBy,
      unexpectedDetail: unexpectedDetail.slice(0, 10),
    },
    acceptedFromPlacingCall: percentilesOfMs([...direct, ...admittedLatency]),
    acceptedFromFirstAttempt: percentilesOfMs([...direct, ...fromFirst]),
    admittedCalls: percentilesOfMs(admittedLatency),
    waitServer: percentilesOfMs(admittedTickets.map((t) => t.admitted!.admittedAt - t.firstSeenAt)),
    waitShopper: percentilesOfMs(admittedTickets.map((t) => t.admitted!.seenMs - t.queuedMs)),
    fairness: fairnessOf(tickets),
    abandoned: {
      left: ends.left,
      stoppedPolling: ends.stoppedPolling,
      serverLast: figures.at(-1)?.abandoned ?? null,
      serverMax: maxOf(figures.map((f) => f.abandoned)),
    },
    checkout503: Object.values(checkout503By).reduce((n, v) => n + v, 0),
    checkout503By,
    line: lineSeries(tickets, input.samples, load.followUpsEndedMs),
    server: {
      samples: input.samples.length,
      failed: input.samples.filter((x) => !x.figures).length,
      maxLine: maxOf(figures.map((f) => f.lineLength)),
      maxWaitP95Ms: maxOf(figures.map((f) => f.waitP95Ms).filter((v): v is number => v !== null)),
      maxAdmittedPerSecond: maxOf(figures.map((f) => f.admittedPerSecond)),
      last: figures.at(-1) ?? null,
    },
    notice: input.notice,
  }
}
