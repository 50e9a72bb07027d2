/**
 * Bench pair for `npm run bench`: a cached product page through the edge (varnishd with
 * deploy/edge/storefront.vcl in front of the store) against a plain node:http server, in a
 * process of its own, sending the very same bytes, asked as a browser asks (`accept-encoding:
 * gzip`): the twin replays the edge's own gzip answer with every header, so wire bytes and
 * compression are identical and the difference is what Varnish does per request (lookup,
 * headers, delivery). Both warmed alike; interleaved rounds, same run. Besides the rate, each
 * server's own CPU time per answer (varnishd's manager and the worker it forks).
 */
import { closedLoop, type ClosedLoopResult } from './closed-loop'
import { PAGE_REQUEST_HEADERS, servePageTwin, TWIN_WARMUP_CONNECTIONS, TWIN_WARMUP_MS } from './page-vs-node'
import { withCpu } from './process-cpu'
import { fmt, markdownTable, summary } from './stats'
import { freePort } from '../server/launcher/port-free'
import { startEdge } from '../server/launcher/varnish-process'

export const EDGE_PAGE_CONNECTIONS = 50
export const EDGE_PAGE_ROUNDS = 3
export const EDGE_PAGE_TRIAL_MS = 3_000
/** The target: the edge serves at least this share of plain node:http's rate. */
export const EDGE_PAGE_TARGET = 0.8

const spread = (values: number[], digits = 0) => {
  const s = summary(values)
  return `${fmt(s.median, digits)} [${fmt(s.min, digits)}–${fmt(s.max, digits)}]`
}
type Trial = ClosedLoopResult & { cpuMs: number }
const answers = (r: ClosedLoopResult) => Object.values(r.statuses).reduce((n, c) => n + c, 0)
const errors = (runs: Trial[]) => runs.reduce((n, r) => n + Object.entries(r.statuses).reduce((m, [s, c]) => m + (s === '200' ? 0 : c), 0), 0)

/**
 * Starts an edge in front of `storeUrl`, warms `path` into it, and measures edge vs twin.
 * @returns the markdown section for docs/PERFORMANCE.md.
 */
export async function runEdgePagePair(storeUrl: string, path: string): Promise<string> {
  const store = new URL(storeUrl)
  const edge = await startEdge({ port: await freePort(), web: [{ host: store.hostname, port: Number(store.port) }] })
  try {
    for (let i = 0; i < 3; i++) await fetch(new URL(path, edge.url), { headers: PAGE_REQUEST_HEADERS }).then((r) => r.arrayBuffer())
    const twin = await servePageTwin(new URL(path, edge.url).toString())
    const edgeRequest = { path, headers: PAGE_REQUEST_HEADERS }
    await closedLoop(edge.url, edgeRequest, TWIN_WARMUP_CONNECTIONS, TWIN_WARMUP_MS) // the twin's warm-up, given to the edge too
    const got: { edge: Trial[]; plain: Trial[] } = { edge: [], plain: [] }
    try {
      for (let round = 1; round <= EDGE_PAGE_ROUNDS; round++) {
        console.error(`bench: edge page round ${round}/${EDGE_PAGE_ROUNDS}`)
        got.plain.push(await withCpu(twin.pid, () => closedLoop(twin.origin, { path: '/', headers: PAGE_REQUEST_HEADERS }, EDGE_PAGE_CONNECTIONS, EDGE_PAGE_TRIAL_MS)))
        got.edge.push(await withCpu(edge.process.pid!, () => closedLoop(edge.url, edgeRequest, EDGE_PAGE_CONNECTIONS, EDGE_PAGE_TRIAL_MS)))
      }
    } finally {
      await twin.close()
    }
    const rps = (runs: Trial[]) => runs.map((r) => r.rps)
    const p99 = (runs: Trial[]) => runs.map((r) => r.latency.p99)
    const cpuUs = (runs: Trial[]) => spread(runs.map((r) => (1_000 * r.cpuMs) / Math.max(1, answers(r))))
    const ratio = summary(rps(got.edge)).median / summary(rps(got.plain)).median
    return [
      `### Cached page through the edge (${EDGE_PAGE_ROUNDS} interleaved rounds of ${EDGE_PAGE_TRIAL_MS / 1000} s, c=${EDGE_PAGE_CONNECTIONS}, accept-encoding: gzip; median [min–max])\n`,
      markdownTable(
        ['contender', 'per second', 'p99 ms', 'vs baseline', 'server CPU µs per answer', 'non-200'],
        [
          [`baseline: node:http in a process of its own, the edge's own answer (${twin.bytes} B ${twin.contentEncoding ?? 'identity'}, every header)`, spread(rps(got.plain)), spread(p99(got.plain), 1), '1.000×', cpuUs(got.plain), String(errors(got.plain))],
          ['Varnish 7 edge (deploy/edge/storefront.vcl, xkey), cache hit', spread(rps(got.edge)), spread(p99(got.edge), 1), `${fmt(ratio, 3)}×`, cpuUs(got.edge), String(errors(got.edge))],
        ],
      ),
      `\nTarget: ≥ ${EDGE_PAGE_TARGET}× of node:http — ${ratio >= EDGE_PAGE_TARGET ? 'met' : 'MISSED'} (${fmt(ratio, 3)}×).\n`,
    ].join('\n')
  } finally {
    await edge.stop()
  }
}
