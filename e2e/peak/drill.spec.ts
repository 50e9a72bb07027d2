/**
 * The peak drill: a step-shaped open-model load on a fresh store, real Chromium shoppers
 * throughout, an admin editing the doorbuster's price and restocking another hot SKU during
 * the step, optional faults during the step, then the invariants from PostgreSQL once the
 * payment queue has drained, an HTML + JSON report in e2e/reports/, and a summary. Passes
 * only when every invariant holds and every declared threshold is met.
 */
import { expect, test } from '@playwright/test'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { startShoppers } from './browser/shoppers'
import { waitForDrain } from './check/drain'
import { checkAdminInvariants } from './check/admin-invariants'
import { checkInvariants } from './check/invariants'
import { checkSoldOutNotice, MAX_UNTOLD_ANSWERS, readUnitsBack } from './check/sold-out-notice'
import { analyseWaitingRoom, type WaitingRoomReport } from './check/waiting-room-analysis'
import { startGenerator } from './load/generator-process'
import { durationS, expectedArrivals, phaseSpans } from './load/schedule'
import { describeEnvironment } from './report/environment'
import { openOpsDashboard, OPS_SCREENSHOT_AT_S } from './report/ops-screenshot'
import { buildReport, writeReport } from './report/build-report'
import { declaration, summaryText } from './report/summary'
import { AdminActions } from './world/admin-actions'
import { readCatalogFacts, setHotStock, setSoldOut, stockSnapshot, type CatalogFacts } from './world/catalog-facts'
import { optionsFromEnvironment } from './drill-options'
import { PREWARM_TOP, startDrillWorld } from './world/drill-world'
import { FaultRunner } from './world/faults'
import { readCatalogReads, readInstanceFigures, startReplicaLagSampler, type FleetFigures } from './world/fleet-figures'
import { startQueueSampler } from './world/queue-sampler'
import { createSessions } from './world/sessions'
import { startWaitingRoomSampler, type WaitingRoomSampler } from './world/waiting-room-sampler'

const options = optionsFromEnvironment(process.env.DRILL_OPTIONS)
/** Setup (database, build check, store, worker, pre-warm, sessions) plus drain and report. */
const OVERHEAD_MS = 6 * 60_000

/** Real shoppers read pages; it also keeps three Chromium renderers from eating the two cores. */
const BROWSER_THINK_MS = 800
/** With the waiting room: a browser's place-order step may also wait this long in line. */
const BROWSER_LINE_WAIT_MS = 60_000

const log = (line: string) => console.log(`[drill] ${line}`)

/** Doorbuster units: a share of the hot checkouts the schedule will send, so it sells out mid-step. */
function hotUnits(): number {
  const { shape, mix } = options
  const hotCheckouts = expectedArrivals(shape) * mix.checkout * mix.hotShare * (1 - mix.replayShare)
  return Math.max(1, Math.round(hotCheckouts * mix.hotStockShare))
}

test('peak drill: step load, shoppers, invariants, report', async ({ browser }) => {
  test.setTimeout(durationS(options.shape) * 1000 + OVERHEAD_MS)
  const room = options.waitingRoom
  log(`${options.profile} profile${options.faults ? ' with faults' : ''}${room ? `, waiting room ${room.mode} at ${room.admissionRatePerSecond}/s` : ''}; schedule ${durationS(options.shape)} s, ~${Math.round(expectedArrivals(options.shape))} arrivals`)
  log(declaration(options.thresholds))
  const startedAt = new Date()

  let facts: CatalogFacts | null = null
  const hot = hotUnits()
  const world = await startDrillWorld(options, log, async (pool) => {
    facts = await readCatalogFacts(pool, PREWARM_TOP)
    await setHotStock(pool, facts.traffic.hotId, hot)
    await setSoldOut(pool, facts.restockId)
  })
  try {
    const catalog = facts as CatalogFacts | null
    if (!catalog) throw new Error('catalog facts were not read')
    log(`hot SKU ${catalog.hotSlug} (#${catalog.traffic.hotId}) starts with ${hot} units; hot SKU #${catalog.restockId} starts sold out`)
    const admin = new AdminActions(world, options.admin, { doorbusterId: catalog.traffic.hotId, restockId: catalog.restockId }, log)
    await admin.prepare(room)
    const sessions = await createSessions(world.storeUrl, options.sessions + 1, undefined, options.fleet)
    const probeCookie = sessions.pop()!
    log(`${sessions.length} shopper sessions`)
    const environment = await describeEnvironment(world.pool, world.redis.port, browser.version(), {
      ...world.settings,
      sessions: sessions.length,
      hotInitialUnits: hot,
      waitingRoom: room ? `${room.mode}, ${room.admissionRatePerSecond} admissions/s` : 'off',
      browserCpu: options.browserCpu,
    })
    const initialStock = await stockSnapshot(world.pool)

    /** --ops-screenshot: an admin opens /ops before the step and keeps it open; the shot is taken at `atEpochMs`. */
    const screenshotOps = async (path: string, atEpochMs: number) => {
      const dashboard = await openOpsDashboard(browser, world.storeUrl, world.adminPassword)
      if (typeof dashboard === 'string') return log(`/ops screenshot not taken: ${dashboard}`)
      await sleep(Math.max(0, atEpochMs - Date.now()))
      const failed = await dashboard.shoot(path)
      await dashboard.close()
      log(failed ? `/ops screenshot not taken: ${failed}` : `/ops screenshot (${OPS_SCREENSHOT_AT_S} s into the hold): ${path}`)
    }
    const sampler = startQueueSampler(world.pool)
    const lagSampler = world.fleet?.replicaUrl ? startReplicaLagSampler(world.pool) : null
    const shoppers = startShoppers(browser, {
      contexts: options.browserContexts,
      baseURL: world.storeUrl,
      buyable: catalog.buyable,
      stepTimeoutMs: options.profile === 'ci' ? 45_000 : 20_000,
      lineWaitMs: room ? BROWSER_LINE_WAIT_MS : 0,
      settleWaitMs: 15_000,
      thinkMs: BROWSER_THINK_MS,
      seed: options.seed,
      onJourney: (j) => log(`journey ${j.context}: ${j.outcome}${j.error ? ` at ${j.failedStep}: ${j.error}` : ''} (${j.finalStatus ?? '–'})`),
    })
    const samplesFile = join(tmpdir(), `drill-samples-${process.pid}-${Date.now()}.json`)
    const generator = startGenerator(
      {
        origin: world.storeUrl,
        shape: options.shape,
        mix: options.mix,
        catalog: catalog.traffic,
        sessions,
        seed: options.seed,
        maxInFlight: options.maxInFlight,
        requestTimeoutMs: options.requestTimeoutMs,
        connections: 256,
        fromSourceAddresses: options.fleet,
        queuedShoppers: room ? { abandonSilentShare: room.abandonSilentShare, abandonLeaveShare: room.abandonLeaveShare } : null,
        outFile: samplesFile,
      },
      (p) => {
        if (Math.round(p.tMs / 1000) % 10 === 0) log(`t=${Math.round(p.tMs / 1000)} s sent ${p.sent}, in flight ${p.inFlight}, dropped ${p.dropped}`)
      },
    )
    const loadStartedAt = await generator.started
    // The room's live figures once per report window, as /ops shows them.
    const roomSampler: WaitingRoomSampler | null = room ? startWaitingRoomSampler(() => admin.waitingRoomFigures(), loadStartedAt, options.windowS * 1000) : null
    environment.generatorNice = generator.nice
    const hold = phaseSpans(options.shape).find((p) => p.phase === 'hold')!
    const faults = options.faults ? new FaultRunner(world, options.faults, probeCookie, log) : null
    const faultsDone = faults?.run(loadStartedAt + hold.startS * 1000) ?? Promise.resolve()
    const adminDone = admin.run(loadStartedAt + hold.startS * 1000)
    const opsShot = options.opsScreenshot ? screenshotOps(options.opsScreenshot, loadStartedAt + (hold.startS + OPS_SCREENSHOT_AT_S) * 1000) : Promise.resolve()

    const load = await generator.result
    await faultsDone
    await adminDone
    await opsShot
    log(`load done: ${load.samples.length} sent, ${load.droppedMs.length} dropped${load.tickets.length ? `; ${load.tickets.length} checkouts queued, ${load.followUps.length} follow-up requests` : ''}; waiting for the browsers' last journeys`)
    await shoppers.stop()
    const drain = await waitForDrain(world.pool, options.thresholds.drainSMax)
    await sampler.stop()
    sampler.samples.push(drain.last)
    await roomSampler?.stop()
    log(drain.drained ? `queue drained in ${drain.seconds.toFixed(1)} s` : `queue NOT drained after ${drain.seconds.toFixed(1)} s`)
    let fleet: FleetFigures | null = null
    if (world.fleet) {
      fleet = {
        shape: String(world.settings.fleet ?? `edge, ${options.fleetShape.web} web, ${options.fleetShape.api} API, ${options.fleetShape.workers} worker`),
        instances: await readInstanceFigures(world.fleet, world.redis.port, world.keyPrefix),
        replicaLag: lagSampler ? await lagSampler.stop() : null,
        catalogReads: await readCatalogReads(world.fleet, world.metricsToken),
      }
    }

    const restock = admin.record.restock
    const invariants = await checkInvariants(
      world.pool,
      {
        initialStock,
        adjustments: new Map(restock?.status === 200 ? [[restock.productId, restock.units]] : []),
        checkouts: load.checkouts,
        browserOrderIds: shoppers.journeys.map((j) => j.orderId).filter((id): id is string => id !== null),
      },
      catalog.traffic.hotId,
    )
    invariants.results.push(...(await checkAdminInvariants(world.pool, admin.record)))
    let roomReport: WaitingRoomReport | null = null
    if (room) {
      const hotId = catalog.traffic.hotId
      const unitsBack = await readUnitsBack(world.pool, hotId, load.startedAtEpochMs)
      const notice = checkSoldOutNotice({
        productId: hotId,
        tickets: load.tickets,
        refusalsMs: load.checkouts.filter((c) => c.productId === hotId && c.outcome === 'soldOut').map((c) => c.answeredMs),
        ...unitsBack,
      })
      // Strict, like the other invariants: a shopper left waiting for a sold-out item fails the run.
      invariants.results.push({
        name: `every shopper waiting for the sold-out doorbuster was told within one poll (≤ ${MAX_UNTOLD_ANSWERS} answer not saying so)`,
        ok: notice.ok,
        violations: notice.violations.length + (notice.neverSaid ? 1 : 0),
        detail: notice.neverSaid
          ? 'the doorbuster ended sold out and tickets waited for it, but no answer ever said so'
          : `${notice.periods.length} sold-out period(s); ${notice.waiting} waiting: ${notice.toldFirst} told by the first answer, ${notice.toldSecond} by the second, ${notice.notTold} stopped before being told` +
            (notice.violations.length ? `; not told in time: ${notice.violations.slice(0, 5).map((v) => `${v.key} (${v.untold} answers)`).join(', ')}` : ''),
      })
      roomReport = analyseWaitingRoom({ plan: room, load, samples: roomSampler?.samples ?? [], faultWindows: faults?.windows(loadStartedAt) ?? [], notice })
    }
    const report = buildReport({
      options,
      startedAt,
      loadStartedAt,
      environment,
      load,
      journeys: shoppers.journeys,
      queue: sampler.samples,
      drain,
      invariants,
      faults: faults?.events ?? [],
      faultWindows: faults?.windows(loadStartedAt) ?? [],
      probes: faults?.probes ?? [],
      admin: admin.record,
      fleet,
      room: roomReport,
    })
    const { htmlPath, jsonPath } = writeReport(report)
    console.log(summaryText(report, htmlPath, jsonPath))
    expect(report.reasons, `drill verdict ${report.verdict}`).toEqual([])
  } finally {
    await world.stop({ keepDatabase: options.keepDatabase })
  }
})
