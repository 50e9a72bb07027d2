/**
 * Bench pair for `npm run bench`: a cached product page through the edge (varnishd with
 * deploy/edge/storefront.vcl in front of the store) against a plain node:http server sending
 * the very same bytes, asked as a browser asks (`accept-encoding: gzip`): the twin replays the
 * edge's own gzip answer, so wire bytes and compression are identical and the difference is
 * what Varnish does per request (lookup, headers, delivery). Interleaved rounds, same run.
 */
import { closedLoop, type ClosedLoopResult } from './closed-loop'
import { PAGE_REQUEST_HEADERS, servePageTwin } from './page-vs-node'
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
const errors = (runs: ClosedLoopResult[]) => runs.reduce((n, r) => n + Object.entries(r.statuses).reduce((m, [s, c]) => m + (s === '200' ? 0 : c), 0), 0)

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
    const got: { edge: ClosedLoopResult[]; plain: ClosedLoopResult[] } = { edge: [], plain: [] }
    try {
      for (let round = 1; round <= EDGE_PAGE_ROUNDS; round++) {
        console.error(`bench: edge page round ${round}/${EDGE_PAGE_ROUNDS}`)
        got.plain.push(await closedLoop(twin.origin, { path: '/', headers: PAGE_REQUEST_HEADERS }, EDGE_PAGE_CONNECTIONS, EDGE_PAGE_TRIAL_MS))
        got.edge.push(await closedLoop(edge.url, { path, headers: PAGE_REQUEST_HEADERS }, EDGE_PAGE_CONNECTIONS, EDGE_PAGE_TRIAL_MS))
      }
    } finally {
      await twin.close()
    }
    const rps = (runs: ClosedLoopResult[]) => runs.map((r) => r.rps)
    const p99 = (runs: ClosedLoopResult[]) => runs.map((r) => r.latency.p99)
    const ratio = summary(rps(got.edge)).median / summary(rps(got.plain)).median
    return [
      `### Cached page through the edge (${EDGE_PAGE_ROUNDS} interleaved rounds of ${EDGE_PAGE_TRIAL_MS / 1000} s, c=${EDGE_PAGE_CONNECTIONS}, accept-encoding: gzip; median [min–max])\n`,
      markdownTable(
        ['contender', 'per second', 'p99 ms', 'vs baseline', 'non-200'],
        [
          [`baseline: node:http, the edge's own ${twin.bytes} B ${twin.contentEncoding ?? 'identity'} answer`, spread(rps(got.plain)), spread(p99(got.plain), 1), '1.000×', String(errors(got.plain))],
          ['Varnish 7 edge (deploy/edge/storefront.vcl, xkey), cache hit', spread(rps(got.edge)), spread(p99(got.edge), 1), `${fmt(ratio, 3)}×`, String(errors(got.edge))],
        ],
      ),
      `\nTarget: ≥ ${EDGE_PAGE_TARGET}× of node:http — ${ratio >= EDGE_PAGE_TARGET ? 'met' : 'MISSED'} (${fmt(ratio, 3)}×).\n`,
    ].join('\n')
  } finally {
    await edge.stop()
  }
}
