/** The summary printed at the end of a drill (and the declaration printed before it). */
import { fmt } from '../check/thresholds'
import type { Thresholds } from '../drill-options'
import type { DrillReport } from './report-data'

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')
}

export function declaration(t: Thresholds): string {
  return `thresholds declared before the run:\n${table(['threshold', 'limit'], Object.entries(t).map(([k, v]) => [k, String(v)]))}`
}

/** The admin's two changes during the hold, one line each. */
export function adminRows(r: DrillReport): string[][] {
  const { priceEdit: e, restock: s } = r.admin
  return [
    ['admin: doorbuster price edit', e ? `+${r.admin.plan.priceEditAtS} s into the hold, ${e.oldPriceCents} → ${e.newPriceCents} cents (${e.status}, ${e.propagation ?? '–'})` : 'did not run'],
    [
      'admin: restock of a sold-out hot SKU',
      s
        ? `+${r.admin.plan.restockAtS} s, ${s.units} units (${s.status}); first accepted checkout sent ${s.buyableAfterMs === null ? 'NEVER' : `${s.buyableAfterMs} ms after`}${s.acceptedCheckoutMs === null ? '' : ` (it took ${s.acceptedCheckoutMs} ms)`}; before it: ${s.attempts.slice(0, -1).map((a) => a.appCode ?? a.status).join(', ') || 'none'}`
        : 'did not run',
    ],
  ]
}

const pct = (share: number) => `${fmt(share * 100)} %`
const ms = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? '–' : `${fmt(v)} ms`)

/** With the waiting room: what it was set to, the line, waits, fairness, abandoned places, the sold-out notice. */
export function roomRows(r: DrillReport): string[][] {
  const w = r.room
  if (!w) return [['waiting room', r.admin.waitingRoom ? `${r.admin.waitingRoom.requested.mode} (set before the load, ${r.admin.waitingRoom.status})` : '–']]
  const set = r.admin.waitingRoom
  const e = w.ends
  const f = w.fairness
  const n = w.notice
  return [
    [
      'waiting room',
      `${w.plan.mode} at ${w.plan.admissionRatePerSecond} admissions/s (${pct(w.plan.admissionRatePerSecond / holdCheckoutRate(r))} of the hold's expected checkout arrivals; set ${set?.status ?? '–'}); abandon ${pct(w.plan.abandonSilentShare)} silent + ${pct(w.plan.abandonLeaveShare)} leave`,
    ],
    ['room: checkouts queued → placed / sold out in line / admitted but sold out / left / stopped polling / gave up / errors', `${w.queued} → ${e.placed} / ${e.soldOut} / ${e.admittedSoldOut} / ${e.left} / ${e.stoppedPolling} / ${e.gaveUp} / ${e.error}`],
    ['room: line length max (server / generator)', `${w.server.maxLine ?? '–'} / ${Math.max(0, ...w.line.map((p) => p.generator))} (${w.server.samples} samples of ops.waitingRoom, ${w.server.failed} failed)`],
    [
      'room: wait first seen → admitted p50 / p95',
      `server ${ms(w.waitServer.p50)} / ${ms(w.waitServer.p95)} (${w.waitServer.count} admitted); shopper's view ${ms(w.waitShopper.p50)} / ${ms(w.waitShopper.p95)}; /ops wait p95 max ${ms(w.server.maxWaitP95Ms)}`,
    ],
    ['room: fairness (Kendall τ-b, first seen vs admission order)', f.tau === null ? `– (${f.n} admitted)` : `${fmt(f.tau, 3)} over ${f.n} admitted (${f.discordant} discordant of ${f.concordant + f.discordant} pairs)`],
    [
      'room: abandoned (generator: left + stopped polling; server: last 60 s window / max)',
      `${w.abandoned.left} + ${w.abandoned.stoppedPolling}; server ${w.abandoned.serverLast ?? '–'} / ${w.abandoned.serverMax ?? '–'} (a silent place is counted when it expires, 120 s after its last poll)`,
    ],
    [
      'room: accepted checkout p99 from the placing call / from the first attempt / admitted calls',
      `${ms(w.acceptedFromPlacingCall.p99)} / ${ms(w.acceptedFromFirstAttempt.p99)} / ${ms(w.admittedCalls.p99)} (${w.admittedCalls.count} admitted calls placed)`,
    ],
    ['room: checkout 503s', `${w.checkout503}${w.checkout503 ? ` (${Object.entries(w.checkout503By).map(([code, n]) => `${code} ${n}`).join(', ')})` : ''}`],
    [
      'room: told within one poll that the doorbuster sold out',
      n.neverSaid
        ? 'NO: it sold out and nobody was told'
        : `${n.waiting} waiting in ${n.periods.length} sold-out period(s): ${n.toldFirst} at the first answer, ${n.toldSecond} at the second, ${n.notTold} left first; ${n.violations.length} later${n.toldAfterMs.length ? `; told after p50 ${ms(median(n.toldAfterMs))}, max ${ms(Math.max(...n.toldAfterMs))}` : ''}`,
    ],
    [
      'room: follow-ups: polls (early) / admitted calls / leaves / outside the contract',
      `${w.followUps.polls} (${w.followUps.early}) / ${w.followUps.admittedCalls} / ${w.followUps.leaves} / ${w.followUps.unexpected}${w.followUps.unexpected ? ` (${Object.entries(w.followUps.unexpectedBy).map(([k, n]) => `${k}: ${n}`).join(', ')}; status 0 = no answer)` : ''}`,
    ],
  ]
}

/** Checkouts per second the schedule sends during the hold. */
function holdCheckoutRate(r: DrillReport): number {
  const { shape, mix } = r.options
  return shape.baselineRps * shape.multiplier * mix.checkout
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)]!
}

/** With `--fleet`: the fleet's shape, each instance's requests and p99, replica lag, catalog reads by target. */
export function fleetRows(r: DrillReport): string[][] {
  const f = r.fleet
  if (!f) return []
  const reads = f.catalogReads
  const total = reads.primary + reads.replica
  return [
    ['fleet', f.shape],
    ...f.instances.map((i) => [
      `${i.role} ${i.backend} (pid ${i.pid})`,
      `${i.requests} requests, p99 ${i.p99Ms === null ? '–' : `${fmt(i.p99Ms)} ms`}${i.serverErrors ? `, ${i.serverErrors} 5xx` : ''}`,
    ]),
    [
      'replica lag (pg_stat_replication)',
      f.replicaLag ? `max ${fmt(f.replicaLag.maxMs)} ms, p99 ${fmt(f.replicaLag.p99Ms)} ms over ${f.replicaLag.samples} samples${f.replicaLag.disconnected ? `, ${f.replicaLag.disconnected} with no replica connected` : ''}` : 'no replica',
    ],
    ['catalog reads primary / replica', `${reads.primary} / ${reads.replica}${total ? ` (${fmt((100 * reads.replica) / total)} % on the replica)` : ''}`],
  ]
}

export function summaryText(r: DrillReport, htmlPath: string, jsonPath: string): string {
  const h = r.headline
  const f = r.invariants.figures
  const parts = [
    `\n=== peak drill: ${r.verdict} (${r.options.profile}${r.options.faults ? ', faults' : ''}${r.options.fleet ? ', fleet' : ''}) ===`,
    table(
      ['figure', 'value'],
      [
        ['product p99 baseline → hold', `${fmt(h.productP99BaselineMs)} ms → ${fmt(h.productP99HoldMs)} ms = ${fmt(h.productP99StepRatio, 2)}×`],
        ['accepted checkout p99', `${fmt(h.acceptedCheckoutP99Ms)} ms (${h.acceptedCheckouts} accepted)${h.acceptedCheckoutFromFirstAttemptP99Ms === null ? '' : `; from the first attempt ${fmt(h.acceptedCheckoutFromFirstAttemptP99Ms)} ms`}`],
        ['oversold / lost / duplicate', `${f.oversoldUnits} / ${f.lostOrders} / ${f.duplicateOrders}`],
        ['hot SKU sold', `${f.soldHotUnits} of ${f.hotInitial}`],
        [
          'checkouts sent → ok / queued / sold out / shed / unexpected',
          `${r.checkouts.sent} → ${r.checkouts.accepted} / ${r.checkouts.queued} / ${r.checkouts.soldOut} / ${r.checkouts.shed} / ${r.checkouts.unexpected}${r.checkouts.queued ? `; ${r.checkouts.admittedPlaced} placed after admission` : ''}`,
        ],
        ['requests sent / dropped', `${r.rates.reduce((n, p) => n + p.sent, 0)} / ${r.rates.reduce((n, p) => n + p.offered - p.sent, 0)}`],
        ['browser journeys completed / failed', `${r.journeys.filter((j) => j.outcome === 'completed').length} / ${r.journeys.filter((j) => j.outcome === 'failed').length}`],
        ['queue drained', r.drain.drained ? `${fmt(r.drain.seconds)} s` : `NO, ${r.drain.last.pending} pending`],
        ...adminRows(r),
        ...roomRows(r),
        ...fleetRows(r),
      ],
    ),
    table(
      ['', 'threshold', 'limit', 'measured'],
      r.thresholds.map((t) => [t.ok ? 'ok' : 'MISS', t.label, `${t.comparison} ${t.limit}${t.unit}`, t.measured === null ? '–' : `${fmt(t.measured, 2)}${t.unit}`]),
    ),
    table(['', 'invariant', 'violations'], r.invariants.results.map((i) => [i.ok ? 'ok' : 'FAIL', i.name, String(i.violations)])),
  ]
  if (r.faults.length) {
    parts.push(
      table(
        ['fault', 'at (s)', 'recovery after end', 'meanwhile: 2xx / shed / unexpected (by endpoint)'],
        r.faults.map((e) => [
          e.label,
          fmt((e.startedAt - r.loadStartedAt) / 1000),
          e.recoveryMs === null ? 'NOT recovered' : `${e.recoveryMs} ms`,
          `${e.during.ok} / ${e.during.shed} / ${e.during.unexpected}${e.during.unexpected ? ` (${Object.entries(e.during.unexpectedBy).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`,
        ]),
      ),
    )
  }
  if (r.reasons.length) parts.push(`why ${r.verdict}:\n${r.reasons.map((x) => `  - ${x}`).join('\n')}`)
  parts.push(`report: ${htmlPath}\njson:   ${jsonPath}`)
  return parts.join('\n\n')
}
