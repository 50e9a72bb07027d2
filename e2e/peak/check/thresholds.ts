/**
 * The drill's thresholds, evaluated against what was measured. Two kinds:
 *  - `slo`: the store's service levels (a miss fails the run);
 *  - `validity`: the generator's own health (a miss makes the run INVALID: its numbers describe
 *    the load generator, not the store).
 * Every threshold was declared before the run started (drill-options.ts) and is printed then.
 */
import type { Thresholds } from '../drill-options'
import type { Journey } from '../browser/journey'
import { lagPercentiles, overlapsWindows, percentiles, select, unexpectedCount, type Window } from '../load/analysis'
import type { LoadSamples } from '../load/samples'
import type { LoadShape } from '../drill-options'
import type { WaitingRoomReport } from './waiting-room-analysis'

export interface ThresholdResult {
  key: keyof Thresholds
  label: string
  kind: 'slo' | 'validity'
  comparison: '≤' | '≥'
  limit: number
  measured: number | null
  unit: string
  ok: boolean
  note: string
}

export interface Measured {
  load: LoadSamples
  /** Wall clock of the load's t = 0, to place browser journeys against fault windows. */
  loadStartedAt: number
  shape: LoadShape
  faultWindows: Window[]
  journeys: readonly Journey[]
  drainS: number
  drained: boolean
  /** With the waiting room on: what it did (the room's thresholds are judged only then). */
  room?: WaitingRoomReport | null
}

export interface HeadlineFigures {
  productP99BaselineMs: number
  productP99HoldMs: number
  productP99StepRatio: number
  /** Placed orders, from the call that placed them (with the room: a first attempt that went through, or the admitted call). */
  acceptedCheckoutP99Ms: number
  acceptedCheckouts: number
  /** With the room: the same orders measured from the shopper's first attempt (time in line included); null without it. */
  acceptedCheckoutFromFirstAttemptP99Ms: number | null
}

export function headline(m: Measured): HeadlineFigures {
  const outside = m.faultWindows
  const base = percentiles(select(m.load, m.shape, { endpoint: 'product', outcomes: ['ok'], phases: ['baseline'], outside }))
  const hold = percentiles(select(m.load, m.shape, { endpoint: 'product', outcomes: ['ok'], phases: ['hold'], outside }))
  const accepted = percentiles(select(m.load, m.shape, { endpoint: 'checkout', outcomes: ['ok'], phases: ['baseline', 'ramp-up', 'hold', 'ramp-down', 'recovery'], outside }))
  const room = m.room ?? null
  return {
    productP99BaselineMs: base.p99,
    productP99HoldMs: hold.p99,
    productP99StepRatio: hold.p99 / base.p99,
    acceptedCheckoutP99Ms: room ? room.acceptedFromPlacingCall.p99 : accepted.p99,
    acceptedCheckouts: room ? room.acceptedFromPlacingCall.count : accepted.count,
    acceptedCheckoutFromFirstAttemptP99Ms: room ? room.acceptedFromFirstAttempt.p99 : null,
  }
}

export function evaluateThresholds(t: Thresholds, m: Measured): ThresholdResult[] {
  const outside = m.faultWindows
  const all = select(m.load, m.shape, { outside })
  const h = headline(m)
  const shed = percentiles(all.filter((s) => s.outcome === 'shed'))
  const soldOut = percentiles(all.filter((s) => s.endpoint === 'checkout' && s.outcome === 'soldOut'))
  const completed = m.journeys.filter((j) => j.outcome === 'completed').length
  const duringFault = (j: Journey) => overlapsWindows({ t: j.startedAt - m.loadStartedAt, latencyMs: j.endedAt - j.startedAt }, outside)
  const failedJourneys = m.journeys.filter((j) => j.outcome === 'failed')
  const failed = failedJourneys.filter((j) => !duringFault(j)).length
  const failedInFaults = failedJourneys.length - failed
  const lag = lagPercentiles(m.load)
  const faultNote = outside.length ? ' (outside fault windows)' : ''
  const rows: Array<Omit<ThresholdResult, 'ok'>> = [
    { key: 'productP99StepRatioMax', label: 'product page p99, hold ÷ baseline', kind: 'slo', comparison: '≤', limit: t.productP99StepRatioMax, measured: h.productP99StepRatio, unit: '×', note: `${fmt(h.productP99HoldMs)} ms ÷ ${fmt(h.productP99BaselineMs)} ms${faultNote}` },
    {
      key: 'acceptedCheckoutP99MsMax',
      label: m.room ? 'accepted checkout p99 (from the call that placed the order: direct or admitted)' : 'accepted checkout p99',
      kind: 'slo',
      comparison: '≤',
      limit: t.acceptedCheckoutP99MsMax,
      measured: h.acceptedCheckoutP99Ms,
      unit: 'ms',
      note: `${h.acceptedCheckouts} accepted${m.room ? `; from the first attempt ${fmt(h.acceptedCheckoutFromFirstAttemptP99Ms)} ms` : ''}${faultNote}`,
    },
    { key: 'unexpectedErrorsMax', label: 'unexpected 5xx, network errors, timeouts', kind: 'slo', comparison: '≤', limit: t.unexpectedErrorsMax, measured: unexpectedCount(all), unit: '', note: `of ${all.length} requests${faultNote}` },
    { key: 'unexpectedClientErrorsMax', label: 'unexpected 4xx', kind: 'slo', comparison: '≤', limit: t.unexpectedClientErrorsMax, measured: all.filter((s) => s.outcome === 'clientError').length, unit: '', note: faultNote.trim() },
    { key: 'shedP99MsMax', label: 'shed answers (429/503) p99', kind: 'slo', comparison: '≤', limit: t.shedP99MsMax, measured: shed.count ? shed.p99 : null, unit: 'ms', note: `${shed.count} shed` },
    { key: 'soldOutP99MsMax', label: 'sold-out refusals p99', kind: 'slo', comparison: '≤', limit: t.soldOutP99MsMax, measured: soldOut.count ? soldOut.p99 : null, unit: 'ms', note: `${soldOut.count} refused` },
    { key: 'journeyFailuresMax', label: 'failed browser journeys', kind: 'slo', comparison: '≤', limit: t.journeyFailuresMax, measured: failed, unit: '', note: `${m.journeys.length} journeys${outside.length ? `; ${failedInFaults} more failed during a fault` : ''}` },
    { key: 'journeysMin', label: 'completed browser journeys', kind: 'slo', comparison: '≥', limit: t.journeysMin, measured: completed, unit: '', note: '' },
    { key: 'drainSMax', label: 'payment queue drained after the load', kind: 'slo', comparison: '≤', limit: t.drainSMax, measured: m.drained ? m.drainS : null, unit: 's', note: m.drained ? '' : `not drained after ${fmt(m.drainS)} s` },
    { key: 'droppedArrivalsMax', label: 'dropped (unsent) arrivals', kind: 'validity', comparison: '≤', limit: t.droppedArrivalsMax, measured: m.load.droppedMs.length, unit: '', note: `of ${m.load.samples.length + m.load.droppedMs.length} scheduled` },
    { key: 'generatorLagP99MsMax', label: 'generator dispatch lag p99', kind: 'validity', comparison: '≤', limit: t.generatorLagP99MsMax, measured: lag.p99, unit: 'ms', note: `max ${fmt(lag.max)} ms` },
    ...roomRows(t, m.room ?? null, faultNote),
  ]
  return rows.map((r) => ({ ...r, ok: judge(r) }))
}

/** The waiting room's thresholds, judged only when the room was on. */
function roomRows(t: Thresholds, room: WaitingRoomReport | null, faultNote: string): Array<Omit<ThresholdResult, 'ok'>> {
  if (!room) return []
  const f = room.fairness
  return [
    { key: 'checkout503Max', label: 'checkout answers 503 (first attempts and admitted calls)', kind: 'slo', comparison: '≤', limit: t.checkout503Max, measured: room.checkout503, unit: '', note: `shoppers are queued, not refused${faultNote}` },
    {
      key: 'fairnessTauMin',
      label: 'fairness: Kendall τ-b, first-seen order vs admission order',
      kind: 'slo',
      comparison: '≥',
      limit: t.fairnessTauMin,
      measured: f.tau,
      unit: '',
      note: f.tau === null ? `undefined over ${f.n} admitted tickets: the room admitted too few from the line to judge` : `${f.n} admitted tickets, ${f.concordant} concordant / ${f.discordant} discordant pairs`,
    },
    {
      key: 'followUpUnexpectedMax',
      label: 'follow-ups (polls, admitted checkouts, leaves) answered outside the contract',
      kind: 'slo',
      comparison: '≤',
      limit: t.followUpUnexpectedMax,
      measured: room.followUps.unexpected,
      unit: '',
      note: `of ${room.followUps.polls + room.followUps.admittedCalls + room.followUps.leaves}${room.followUps.unexpectedDetail.length ? `: ${room.followUps.unexpectedDetail.slice(0, 3).join('; ')}` : ''}`,
    },
  ]
}

function judge(r: Omit<ThresholdResult, 'ok'>): boolean {
  // No shed or sold-out answers at all: nothing was slow. A missing drain or ratio is a miss.
  if (r.measured === null) return r.key === 'shedP99MsMax' || r.key === 'soldOutP99MsMax'
  if (Number.isNaN(r.measured)) return false
  return r.comparison === '≤' ? r.measured <= r.limit : r.measured >= r.limit
}

export function fmt(n: number | null, digits = 1): string {
  if (n === null || Number.isNaN(n)) return '–'
  return n.toLocaleString('en-US', { maximumFractionDigits: n >= 100 ? 0 : digits })
}
