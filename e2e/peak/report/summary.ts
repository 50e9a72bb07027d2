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
        ['accepted checkout p99', `${fmt(h.acceptedCheckoutP99Ms)} ms (${h.acceptedCheckouts} accepted)`],
        ['oversold / lost / duplicate', `${f.oversoldUnits} / ${f.lostOrders} / ${f.duplicateOrders}`],
        ['hot SKU sold', `${f.soldHotUnits} of ${f.hotInitial}`],
        ['checkouts sent → ok / sold out / shed / unexpected', `${r.checkouts.sent} → ${r.checkouts.accepted} / ${r.checkouts.soldOut} / ${r.checkouts.shed} / ${r.checkouts.unexpected}`],
        ['requests sent / dropped', `${r.rates.reduce((n, p) => n + p.sent, 0)} / ${r.rates.reduce((n, p) => n + p.offered - p.sent, 0)}`],
        ['browser journeys completed / failed', `${r.journeys.filter((j) => j.outcome === 'completed').length} / ${r.journeys.filter((j) => j.outcome === 'failed').length}`],
        ['queue drained', r.drain.drained ? `${fmt(r.drain.seconds)} s` : `NO, ${r.drain.last.pending} pending`],
        ...adminRows(r),
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
