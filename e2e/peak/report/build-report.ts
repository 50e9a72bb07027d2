/** Everything one drill measured and checked, assembled into the report document and written to e2e/reports/. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Journey } from '../browser/journey'
import { JOURNEY_STEPS } from '../browser/journey'
import type { DrainResult } from '../check/drain'
import type { WaitingRoomReport } from '../check/waiting-room-analysis'
import type { InvariantReport } from '../check/invariants'
import { evaluateThresholds, headline, type Measured } from '../check/thresholds'
import type { DrillOptions } from '../drill-options'
import { endpointPhaseTable, lagPercentiles, latencySeries, percentilesOfMs, rateSeries, windowStats, type Window } from '../load/analysis'
import type { LoadSamples } from '../load/samples'
import { expectedArrivals, phaseSpans } from '../load/schedule'
import { ENDPOINTS } from '../load/traffic'
import type { FaultEvent, Probe } from '../world/faults'
import type { QueueSample } from '../world/queue-sampler'
import type { AdminRecord } from '../world/admin-actions'
import type { FleetFigures } from '../world/fleet-figures'
import type { Environment } from './environment'
import { renderHtml } from './html-report'
import { verdictOf, type DrillReport } from './report-data'

export const REPORT_DIR = join(process.cwd(), 'e2e', 'reports')

export interface DrillRecord {
  options: DrillOptions
  startedAt: Date
  loadStartedAt: number
  environment: Environment
  load: LoadSamples
  journeys: Journey[]
  queue: QueueSample[]
  drain: DrainResult
  invariants: InvariantReport
  faults: FaultEvent[]
  faultWindows: Window[]
  probes: Probe[]
  admin: AdminRecord
  fleet: FleetFigures | null
  /** With the waiting room on: what it did; null when the drill turned it off. */
  room: WaitingRoomReport | null
}

export function buildReport(r: DrillRecord): DrillReport {
  const { options, load } = r
  const measured: Measured = { load, loadStartedAt: r.loadStartedAt, shape: options.shape, faultWindows: r.faultWindows, journeys: r.journeys, drainS: r.drain.seconds, drained: r.drain.drained, room: r.room }
  const thresholds = evaluateThresholds(options.thresholds, measured)
  // Scheduled checkouts (first attempts); the admitted calls that followed queued ones are counted apart.
  const co = load.checkouts.filter((c) => c.via === 'first')
  const admitted = load.checkouts.filter((c) => c.via === 'admitted')
  return {
    ...verdictOf(thresholds, r.invariants),
    startedAt: r.startedAt.toISOString(),
    loadStartedAt: r.loadStartedAt,
    options,
    environment: r.environment,
    phases: phaseSpans(options.shape),
    expectedArrivals: Math.round(expectedArrivals(options.shape)),
    headline: headline(measured),
    thresholds,
    invariants: r.invariants,
    endpoints: endpointPhaseTable(load, options.shape),
    rates: rateSeries(load),
    latency: Object.fromEntries(ENDPOINTS.map((e) => [e, latencySeries(load, e, options.windowS)])),
    generatorLag: lagPercentiles(load),
    queue: r.queue,
    drain: r.drain,
    journeys: r.journeys,
    journeySteps: JOURNEY_STEPS.map((step) => ({
      step,
      ...percentilesOfMs(r.journeys.flatMap((j) => j.steps.filter((s) => s.step === step).map((s) => s.ms))),
    })),
    faults: r.faults.map((e, i) => ({ ...e, during: windowStats(load, r.faultWindows[i]!) })),
    probes: r.probes,
    admin: r.admin,
    checkouts: {
      sent: co.length,
      replays: co.filter((c) => c.replay).length,
      accepted: co.filter((c) => c.outcome === 'ok').length,
      queued: co.filter((c) => c.outcome === 'queued').length,
      admittedPlaced: admitted.filter((c) => c.outcome === 'ok').length,
      soldOut: co.filter((c) => c.outcome === 'soldOut').length,
      shed: co.filter((c) => c.outcome === 'shed').length,
      unexpected: co.filter((c) => !['ok', 'queued', 'soldOut', 'shed'].includes(c.outcome)).length,
      hotAccepted: [...co, ...admitted].filter((c) => c.hot && c.outcome === 'ok' && !c.replay).length,
    },
    fleet: r.fleet,
    room: r.room,
  }
}

/** Writes `drill-<profile>[-faults]-<time>.html` and `.json`; returns their paths. */
export function writeReport(report: DrillReport): { htmlPath: string; jsonPath: string } {
  mkdirSync(REPORT_DIR, { recursive: true })
  const name = `drill-${report.options.profile}${report.options.faults ? '-faults' : ''}${report.options.fleet ? '-fleet' : ''}-${report.startedAt.replace(/[:.]/g, '-')}`
  const htmlPath = join(REPORT_DIR, `${name}.html`)
  const jsonPath = join(REPORT_DIR, `${name}.json`)
  writeFileSync(jsonPath, JSON.stringify(report, null, 1))
  writeFileSync(htmlPath, renderHtml(report))
  return { htmlPath, jsonPath }
}
