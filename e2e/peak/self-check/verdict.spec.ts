/** A run is INVALID when the generator was the bottleneck, FAIL on any broken invariant or missed threshold. */
import { expect, test } from '@playwright/test'
import { evaluateThresholds } from '../check/thresholds'
import { SLO_THRESHOLDS, resolveOptions } from '../drill-options'
import type { LoadSamples, Sample } from '../load/samples'
import { verdictOf } from '../report/report-data'
import type { InvariantReport } from '../check/invariants'

const shape = resolveOptions({ profile: 'quick' }).shape

function load(extra: Partial<LoadSamples> = {}, latencyMs = 10): LoadSamples {
  const samples: Sample[] = []
  for (let t = 0; t < 92_000; t += 50) samples.push({ t, endpoint: t % 100 === 0 ? 'product' : 'checkout', outcome: 'ok', status: 200, latencyMs, lagMs: 1 })
  return { startedAtEpochMs: 0, durationMs: 92_000, samples, droppedMs: [], checkouts: [], tickets: [], followUps: [], followUpsEndedMs: 92_000, ...extra }
}

const okInvariants: InvariantReport = {
  results: [{ name: 'x', ok: true, violations: 0, detail: '' }],
  figures: { oversoldUnits: 0, lostOrders: 0, duplicateOrders: 0, ordersInDb: 0, unmatchedOrders: 0, soldHotUnits: 0, hotInitial: 0 },
}
const journeys = Array.from({ length: 5 }, () => ({ context: 0, startedAt: 0, endedAt: 1, steps: [], outcome: 'completed' as const, orderId: null, finalStatus: 'PAID', error: null, failedStep: null }))

test('a healthy run passes; dropped arrivals make it INVALID; a broken invariant makes it FAIL', () => {
  const base = { shape, loadStartedAt: 0, faultWindows: [], journeys, drainS: 3, drained: true }
  const good = evaluateThresholds(SLO_THRESHOLDS, { ...base, load: load() })
  expect(good.filter((t) => !t.ok)).toEqual([])
  expect(verdictOf(good, okInvariants).verdict).toBe('PASS')

  const dropped = evaluateThresholds(SLO_THRESHOLDS, { ...base, load: load({ droppedMs: [1_000] }) })
  expect(verdictOf(dropped, okInvariants).verdict).toBe('INVALID')

  const broken = { ...okInvariants, results: [{ name: 'no oversell', ok: false, violations: 3, detail: '' }] }
  expect(verdictOf(dropped, broken).verdict).toBe('FAIL')

  const slowCheckout = evaluateThresholds(SLO_THRESHOLDS, { ...base, load: load({}, 1_500) })
  expect(slowCheckout.find((t) => t.key === 'acceptedCheckoutP99MsMax')!.ok).toBe(false)
  expect(verdictOf(slowCheckout, okInvariants).verdict).toBe('FAIL')

  // A journey that failed while a fault was active is reported beside, not counted against, the SLO.
  const failedAt = (startedAt: number) => ({ ...journeys[0]!, startedAt, endedAt: startedAt + 20_000, outcome: 'failed' as const, error: 'refused', failedStep: 'place-order' as const })
  const faultWindows = [{ startMs: 50_000, endMs: 60_000 }]
  const inFault = evaluateThresholds(SLO_THRESHOLDS, { ...base, load: load(), faultWindows, journeys: [...journeys, failedAt(45_000)] })
  expect(inFault.find((t) => t.key === 'journeyFailuresMax')!.ok).toBe(true)
  const outsideFault = evaluateThresholds(SLO_THRESHOLDS, { ...base, load: load(), faultWindows, journeys: [...journeys, failedAt(5_000)] })
  expect(outsideFault.find((t) => t.key === 'journeyFailuresMax')!.measured).toBe(1)

  const undrained = evaluateThresholds(SLO_THRESHOLDS, { ...base, load: load(), drained: false, drainS: 60 })
  expect(undrained.find((t) => t.key === 'drainSMax')!.ok).toBe(false)
})
