/**
 * The self-contained HTML report: tables rendered here, charts drawn in the page by uPlot,
 * whose script and stylesheet are inlined from node_modules (no network needed to view it).
 * The report's JSON is embedded, so the page is the whole record of the run.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fmt } from '../check/thresholds'
import type { DrillReport } from './report-data'
import { adminRows, fleetRows, roomRows } from './summary'

const UPLOT_DIR = join(process.cwd(), 'node_modules', 'uplot', 'dist')

const esc = (s: string | number) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function table(headers: string[], rows: Array<Array<string | number>>, rowClass?: (i: number) => string): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r, i) => `<tr class="${rowClass?.(i) ?? ''}">${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`
}

function sections(r: DrillReport): string {
  const t0 = r.loadStartedAt
  const rel = (at: number | null) => (at === null ? '–' : `${fmt((at - t0) / 1000)} s`)
  const h = r.headline
  const f = r.invariants.figures
  const out: string[] = []
  out.push(`<div class="verdict ${r.verdict}">${r.verdict}</div>`)
  if (r.reasons.length) out.push(`<ul class="reasons">${r.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>`)
  out.push(
    table(
      ['figure', 'value'],
      [
        ['product page p99: baseline → hold', `${fmt(h.productP99BaselineMs)} ms → ${fmt(h.productP99HoldMs)} ms (${fmt(h.productP99StepRatio, 2)}×)`],
        ['accepted checkout p99', `${fmt(h.acceptedCheckoutP99Ms)} ms (${h.acceptedCheckouts} accepted)${h.acceptedCheckoutFromFirstAttemptP99Ms === null ? '' : `; from the first attempt ${fmt(h.acceptedCheckoutFromFirstAttemptP99Ms)} ms`}`],
        ['oversold units / lost orders / duplicate orders', `${f.oversoldUnits} / ${f.lostOrders} / ${f.duplicateOrders}`],
        ['hot SKU', `${f.soldHotUnits} of ${f.hotInitial} units sold`],
        [
          'checkouts sent (replays) → accepted / queued / sold out / shed / unexpected',
          `${r.checkouts.sent} (${r.checkouts.replays}) → ${r.checkouts.accepted} / ${r.checkouts.queued} / ${r.checkouts.soldOut} / ${r.checkouts.shed} / ${r.checkouts.unexpected}${r.checkouts.queued ? `; ${r.checkouts.admittedPlaced} placed after admission` : ''}`,
        ],
        ['orders in the database (not from this drill\'s answers)', `${f.ordersInDb} (${f.unmatchedOrders})`],
        ['queue drained', r.drain.drained ? `in ${fmt(r.drain.seconds)} s` : `NO (after ${fmt(r.drain.seconds)} s, ${r.drain.last.pending} pending)`],
        ['generator dispatch lag p50 / p99 / max', `${fmt(r.generatorLag.p50)} / ${fmt(r.generatorLag.p99)} / ${fmt(r.generatorLag.max)} ms`],
        ...adminRows(r),
        ...roomRows(r),
        ...fleetRows(r),
      ],
    ),
  )
  out.push('<h2>Thresholds (declared before the run)</h2>')
  out.push(
    table(
      ['', 'threshold', 'kind', 'limit', 'measured', 'note'],
      r.thresholds.map((x) => [x.ok ? '✓' : '✗', x.label, x.kind, `${x.comparison} ${x.limit}${x.unit}`, x.measured === null ? '–' : `${fmt(x.measured, 2)}${x.unit}`, x.note]),
      (i) => (r.thresholds[i]!.ok ? 'ok' : 'bad'),
    ),
  )
  out.push('<h2>Invariants (PostgreSQL, after the queue drained)</h2>')
  out.push(table(['', 'invariant', 'violations', 'detail'], r.invariants.results.map((x) => [x.ok ? '✓' : '✗', x.name, x.violations, x.detail]), (i) => (r.invariants.results[i]!.ok ? 'ok' : 'bad')))
  if (r.faults.length) {
    out.push('<h2>Faults</h2>')
    out.push(`<p>Thresholds count only requests that were not in flight during a fault (until it recovered, plus ${r.options.faults?.graceS ?? 0} s); what happened meanwhile is here.</p>`)
    out.push(
      table(
        ['fault', 'started', 'ended', 'recovered', 'recovery after end', 'how recovery was judged', 'requests in flight meanwhile: 2xx / shed / sold out / unexpected', 'unexpected by endpoint', '2xx p99'],
        r.faults.map((x) => [
          x.label,
          rel(x.startedAt),
          rel(x.endedAt),
          rel(x.recoveredAt),
          x.recoveryMs === null ? 'NOT recovered' : `${x.recoveryMs} ms`,
          x.detail,
          `${x.during.requests}: ${x.during.ok} / ${x.during.shed} / ${x.during.soldOut} / ${x.during.unexpected}`,
          Object.entries(x.during.unexpectedBy).map(([k, v]) => `${k} ${v}`).join(', ') || '–',
          `${fmt(x.during.okLatency.p99)} ms`,
        ]),
      ),
    )
  }
  if (r.room) {
    out.push('<h2>Waiting room</h2>')
    out.push(
      `<p>Automatic mode at ${r.room.plan.admissionRatePerSecond} admissions/s, set through <code>ops.setWaitingRoom</code> before the load. Queued shoppers poll at the <code>pollAfterSeconds</code> each answer gives, check out when admitted, and ${fmt(r.room.plan.abandonSilentShare * 100)} % never poll / ${fmt(r.room.plan.abandonLeaveShare * 100)} % leave the line when their first poll is due. Follow-up requests are counted apart from the schedule (no lag, no drops).</p>`,
    )
    out.push('<div class="chart" id="c-line"></div>')
    const n = r.room.notice
    out.push(
      table(
        ['sold-out period (s after the load started)', 'ended'],
        n.periods.map((p) => [fmt(p.startMs / 1000), p.endMs === null ? 'still sold out at the end' : `${fmt(p.endMs / 1000)} s (a unit came back)`]),
      ),
    )
    if (n.violations.length) {
      out.push(table(['ticket (idempotency key)', 'period start', 'answers not saying sold out', 'told at last'], n.violations.map((v) => [v.key, `${fmt(v.periodStartMs / 1000)} s`, v.untold, v.told ? 'yes' : 'no'])))
    }
  }
  out.push('<h2>Offered vs achieved</h2><div class="chart" id="c-rate"></div><div class="chart" id="c-outcomes"></div><div class="chart" id="c-cache"></div>')
  out.push('<h2>Latency over time (2xx answers, from the intended send time)</h2><div id="c-latency"></div>')
  out.push('<h2>Payment queue and orders</h2><div class="chart" id="c-queue"></div>')
  out.push('<h2>Browser journeys</h2><div class="chart" id="c-journeys"></div>')
  out.push(
    table(
      ['step', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      r.journeySteps.map((s) => [s.step, s.count, fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.max)]),
    ),
  )
  const failed = r.journeys.filter((j) => j.outcome === 'failed')
  if (failed.length) out.push(table(['context', 'started', 'failed step', 'error'], failed.map((j) => [j.context, rel(j.startedAt), j.failedStep ?? '', j.error ?? ''])))
  out.push('<h2>Per endpoint and phase</h2>')
  out.push(
    table(
      ['endpoint', 'phase', 'ok', 'sold out', 'shed', '4xx', '5xx', 'network', 'timeout', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      r.endpoints.map((e) => [e.endpoint, e.phase, e.counts.ok, e.counts.soldOut, e.counts.shed, e.counts.clientError, e.counts.serverError, e.counts.network, e.counts.timeout, fmt(e.ok.p50), fmt(e.ok.p95), fmt(e.ok.p99), fmt(e.ok.max)]),
    ),
  )
  out.push('<h2>Schedule</h2>')
  out.push(table(['phase', 'from', 'to', 'rate'], r.phases.map((p) => [p.phase, `${p.startS} s`, `${p.endS} s`, p.phase === 'hold' ? `${r.options.shape.baselineRps * r.options.shape.multiplier}/s` : p.phase.startsWith('ramp') ? 'linear' : `${r.options.shape.baselineRps}/s`])))
  out.push('<h2>Environment</h2>')
  out.push(table(['', ''], Object.entries(r.environment).map(([k, v]) => [k, v])))
  out.push('<h2>Options</h2>')
  out.push(`<pre>${esc(JSON.stringify(r.options, null, 2))}</pre>`)
  return out.join('\n')
}

/** Runs in the browser: draws the charts from the embedded JSON. */
const CHART_SCRIPT = `
const R = JSON.parse(document.getElementById('report-data').textContent);
const t0 = R.loadStartedAt;
const W = Math.min(1100, document.body.clientWidth - 40);
const bands = [];
for (const p of R.phases) if (p.phase === 'hold') bands.push({ from: p.startS, to: p.endS, color: 'rgba(255,165,0,0.12)' });
  else if (p.phase.startsWith('ramp')) bands.push({ from: p.startS, to: p.endS, color: 'rgba(255,215,0,0.12)' });
for (const f of R.faults) bands.push({ from: (f.startedAt - t0) / 1000, to: ((f.recoveredAt ?? f.endedAt ?? f.startedAt) - t0) / 1000, color: 'rgba(220,38,38,0.18)', label: f.kind });
const bandPlugin = { hooks: { drawClear: [(u) => {
  const ctx = u.ctx;
  for (const b of bands) {
    const x0 = u.valToPos(b.from, 'x', true), x1 = u.valToPos(b.to, 'x', true);
    ctx.fillStyle = b.color; ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
    if (b.label) { ctx.fillStyle = '#991b1b'; ctx.font = '11px sans-serif'; ctx.fillText(b.label, x0 + 2, u.bbox.top + 12); }
  }
}] } };
const COLORS = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04'];
function chart(id, title, x, series, yLabel, log, points) {
  const host = document.getElementById(id);
  let target = host;
  if (!host.classList.contains('chart')) { target = document.createElement('div'); target.className = 'chart'; host.appendChild(target); }
  new uPlot({
    title, width: W, height: 240, plugins: [bandPlugin],
    scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
    axes: [{ label: 'seconds since the load started' }, { label: yLabel }],
    series: [{ label: 's' }, ...series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: !points,
      ...(points ? { paths: () => null, points: { show: true, size: 6, fill: COLORS[i % COLORS.length] } } : {}) }))],
  }, [x, ...series.map((s) => s.values)], target);
}
const rs = R.rates.map((p) => p.s);
chart('c-rate', 'Arrivals per second: offered (schedule), sent, achieved (answers completed)', rs, [
  { label: 'offered', values: R.rates.map((p) => p.offered) },
  { label: 'sent', values: R.rates.map((p) => p.sent) },
  { label: 'achieved', values: R.rates.map((p) => p.achieved) }], 'req/s');
chart('c-outcomes', 'Answers per second: 2xx, queued by the waiting room, sold out, intended shedding (429/503), unexpected (5xx, network, timeout)', rs, [
  { label: '2xx', values: R.rates.map((p) => p.ok) },
  { label: 'queued', values: R.rates.map((p) => p.queued ?? 0) },
  { label: 'sold out', values: R.rates.map((p) => p.soldOut) },
  { label: 'shed', values: R.rates.map((p) => p.shed) },
  { label: 'unexpected', values: R.rates.map((p) => p.unexpected) }], 'answers/s');
chart('c-cache', 'Page answers per second by Next cache verdict (x-nextjs-cache): STALE answers each trigger a background re-render', rs, [
  { label: 'HIT', values: R.rates.map((p) => p.pageHit) },
  { label: 'STALE', values: R.rates.map((p) => p.pageStale) },
  { label: 'MISS (rendered on request)', values: R.rates.map((p) => p.pageMiss) }], 'pages/s');
for (const [endpoint, pts] of Object.entries(R.latency)) {
  chart('c-latency', endpoint + ': p50 / p95 / p99 per ' + R.options.windowS + ' s window (log scale)', pts.map((p) => p.s), [
    { label: 'p50', values: pts.map((p) => p.p50) }, { label: 'p95', values: pts.map((p) => p.p95) }, { label: 'p99', values: pts.map((p) => p.p99) }], 'ms', true);
}
const qs = R.queue.map((q) => Math.round((q.at - t0) / 100) / 10);
chart('c-queue', 'Payment jobs (ready, scheduled retries, running) and orders pending payment', qs, [
  { label: 'ready', values: R.queue.map((q) => q.ready) }, { label: 'scheduled', values: R.queue.map((q) => q.scheduled) },
  { label: 'running', values: R.queue.map((q) => q.running) }, { label: 'orders pending', values: R.queue.map((q) => q.pending) }], 'count');
if (R.room) {
  chart('c-line', 'Waiting room: line length (server, from ops.waitingRoom) and shoppers the generator has in line', R.room.line.map((p) => p.s), [
    { label: 'server', values: R.room.line.map((p) => p.server) },
    { label: 'generator', values: R.room.line.map((p) => p.generator) }], 'shoppers');
}
const steps = [...new Set(R.journeys.flatMap((j) => j.steps.map((s) => s.step)))];
const js = R.journeys.flatMap((j) => j.steps).sort((a, b) => a.at - b.at);
chart('c-journeys', 'Browser journey steps (each point one step of one journey)', js.map((s) => (s.at - t0) / 1000),
  steps.map((name) => ({ label: name, values: js.map((s) => (s.step === name ? s.ms : null)) })), 'ms', true, true);
`

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 20px; color: #1c1917; }
h1 { margin: 0 0 8px; } h2 { margin-top: 28px; border-bottom: 1px solid #e7e5e4; }
table { border-collapse: collapse; margin: 8px 0; } td, th { border: 1px solid #e7e5e4; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f5f5f4; } tr.bad td { background: #fee2e2; } tr.ok td:first-child { color: #15803d; } tr.bad td:first-child { color: #b91c1c; }
.verdict { display: inline-block; font-size: 28px; font-weight: 700; padding: 4px 16px; border-radius: 8px; color: white; }
.verdict.PASS { background: #16a34a; } .verdict.FAIL { background: #dc2626; } .verdict.INVALID { background: #a16207; }
.chart { margin: 10px 0 18px; } pre { background: #f5f5f4; padding: 8px; overflow: auto; }
`

export function renderHtml(r: DrillReport): string {
  const uplotJs = readFileSync(join(UPLOT_DIR, 'uPlot.iife.min.js'), 'utf8')
  const uplotCss = readFileSync(join(UPLOT_DIR, 'uPlot.min.css'), 'utf8')
  const data = JSON.stringify(r).replace(/</g, '\\u003c')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Peak drill ${esc(r.verdict)} — ${esc(r.startedAt)}</title>
<style>${uplotCss}${STYLE}</style></head>
<body>
<h1>Peak drill — ${esc(r.options.profile)} profile${r.options.faults ? ' with faults' : ''}, ${esc(r.startedAt)}</h1>
<p>Open-model load: ${r.options.shape.baselineRps}/s → ${r.options.shape.baselineRps * r.options.shape.multiplier}/s step, mix ${Math.round(r.options.mix.browse * 100)}/${Math.round(r.options.mix.cart * 100)}/${Math.round(r.options.mix.checkout * 100)} (browse/cart/checkout), ${Math.round(r.options.mix.hotShare * 100)} % of checkouts on one hot SKU; ${r.options.browserContexts} Chromium contexts. Shaded: ramps (yellow), hold (orange), faults until recovery (red).</p>
${sections(r)}
<script type="application/json" id="report-data">${data}</script>
<script>${uplotJs}</script>
<script>${CHART_SCRIPT}</script>
</body></html>
`
}
