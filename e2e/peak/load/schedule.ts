/**
 * The drill's load shape as a function of time, and the open-model arrival times it implies.
 *
 *   rate ▲        ┌──────── hold ────────┐
 *   10×B │       /                        \
 *        │      / ramp ≤ 10 s              \ ramp down
 *      B │─────┘                            └──────── recovery
 *        └─warmup─┴─baseline─┴───────────────────────────────────► t
 *
 * Arrivals are a non-homogeneous Poisson process with that rate, drawn by thinning
 * (Lewis & Shedler): candidates at the peak rate, each kept with probability rate(t)/peak.
 * Poisson, not evenly spaced, because independent shoppers arrive in clumps, and clumps are
 * what queues feel. The times are fixed before the run and never depend on responses: that
 * is what makes this an open model.
 */
import type { LoadShape } from '../drill-options'
import type { Rng } from './rng'

export const PHASES = ['warmup', 'baseline', 'ramp-up', 'hold', 'ramp-down', 'recovery'] as const
export type Phase = (typeof PHASES)[number]

export interface PhaseSpan {
  phase: Phase
  startS: number
  endS: number
}

export function phaseSpans(shape: LoadShape): PhaseSpan[] {
  const lengths: Record<Phase, number> = {
    warmup: shape.warmupS,
    baseline: shape.baselineS,
    'ramp-up': shape.rampUpS,
    hold: shape.holdS,
    'ramp-down': shape.rampDownS,
    recovery: shape.recoveryS,
  }
  let t = 0
  return PHASES.map((phase) => {
    const span = { phase, startS: t, endS: t + lengths[phase] }
    t = span.endS
    return span
  })
}

export function durationS(shape: LoadShape): number {
  return phaseSpans(shape).at(-1)!.endS
}

export function phaseAt(shape: LoadShape, tS: number): Phase {
  const spans = phaseSpans(shape)
  return (spans.find((s) => tS >= s.startS && tS < s.endS) ?? spans.at(-1)!).phase
}

/** Arrivals per second at `tS` seconds into the run. */
export function rateAt(shape: LoadShape, tS: number): number {
  const b = shape.baselineRps
  const peak = b * shape.multiplier
  const span = phaseSpans(shape).find((s) => tS >= s.startS && tS < s.endS)
  if (!span) return 0
  const progress = span.endS > span.startS ? (tS - span.startS) / (span.endS - span.startS) : 1
  switch (span.phase) {
    case 'ramp-up':
      return b + (peak - b) * progress
    case 'hold':
      return peak
    case 'ramp-down':
      return peak - (peak - b) * progress
    default:
      return b
  }
}

/** Expected number of arrivals between two times (the integral of the rate), for sizing stock and reports. */
export function expectedArrivals(shape: LoadShape, fromS = 0, toS = durationS(shape), stepS = 0.05): number {
  let n = 0
  for (let t = fromS; t < toS; t += stepS) n += rateAt(shape, t + stepS / 2) * Math.min(stepS, toS - t)
  return n
}

/** Intended send times in ms from the start, ascending. */
export function arrivalTimesMs(shape: LoadShape, rng: Rng): number[] {
  const peak = shape.baselineRps * Math.max(1, shape.multiplier)
  const end = durationS(shape)
  const times: number[] = []
  let t = 0
  for (;;) {
    t += -Math.log(1 - rng()) / peak
    if (t >= end) return times
    if (rng() * peak <= rateAt(shape, t)) times.push(t * 1000)
  }
}
