/** The drill report: one JSON document, also embedded in the HTML report. */
import type { DrillOptions } from '../drill-options'
import type { Journey, JourneyStep } from '../browser/journey'
import type { DrainResult } from '../check/drain'
import type { WaitingRoomReport } from '../check/waiting-room-analysis'
import type { InvariantReport } from '../check/invariants'
import type { HeadlineFigures, ThresholdResult } from '../check/thresholds'
import type { EndpointPhaseRow, LatencyPoint, Percentiles, RatePoint, WindowStats } from '../load/analysis'
import type { PhaseSpan } from '../load/schedule'
import type { Endpoint } from '../load/traffic'
import type { FaultEvent, Probe } from '../world/faults'
import type { QueueSample } from '../world/queue-sampler'
import type { AdminRecord } from '../world/admin-actions'
import type { FleetFigures } from '../world/fleet-figures'
import type { Environment } from './environment'

export type Verdict = 'PASS' | 'FAIL' | 'INVALID'

export interface DrillReport {
  verdict: Verdict
  /** Why, in one line per failed item. */
  reasons: string[]
  startedAt: string
  loadStartedAt: number
  options: DrillOptions
  environment: Environment
  phases: PhaseSpan[]
  expectedArrivals: number
  headline: HeadlineFigures
  thresholds: ThresholdResult[]
  invariants: InvariantReport
  endpoints: EndpointPhaseRow[]
  rates: RatePoint[]
  latency: Partial<Record<Endpoint, LatencyPoint[]>>
  generatorLag: Percentiles
  queue: QueueSample[]
  drain: DrainResult
  journeys: Journey[]
  journeySteps: Array<{ step: JourneyStep } & Percentiles>
  /** Each fault with what shoppers got while it lasted (same order). */
  faults: Array<FaultEvent & { during: WindowStats }>
  probes: Probe[]
  /** What the drill's admin did during the hold, and what it saw. */
  admin: AdminRecord
  /** First attempts (scheduled checkouts): accepted at once, queued by the room, …; `admittedPlaced`: orders the admitted calls placed. */
  checkouts: { sent: number; replays: number; accepted: number; queued: number; admittedPlaced: number; soldOut: number; shed: number; unexpected: number; hotAccepted: number }
  /** With `--fleet`: per-instance figures, replica lag, catalog reads by target; null against one store. */
  fleet: FleetFigures | null
  /** With the waiting room on: line, waits, fairness, abandoned places, the sold-out notice check; null when it was off. */
  room: WaitingRoomReport | null
}

export function verdictOf(thresholds: ThresholdResult[], invariants: InvariantReport): { verdict: Verdict; reasons: string[] } {
  const reasons = [
    ...invariants.results.filter((r) => !r.ok).map((r) => `invariant: ${r.name} — ${r.detail}`),
    ...thresholds.filter((t) => !t.ok).map((t) => `${t.kind === 'validity' ? 'validity' : 'threshold'}: ${t.label} ${t.comparison} ${t.limit}${t.unit} (measured ${t.measured ?? '–'})`),
  ]
  // A broken invariant is a failure whatever the load was; otherwise an unhealthy generator voids the figures.
  if (invariants.results.some((r) => !r.ok)) return { verdict: 'FAIL', reasons }
  if (thresholds.some((t) => t.kind === 'validity' && !t.ok)) return { verdict: 'INVALID', reasons }
  return { verdict: reasons.length === 0 ? 'PASS' : 'FAIL', reasons }
}
