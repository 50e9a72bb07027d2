/**
 * Catalog benchmark (local, 127.0.0.1 only), in one run:
 *  1. pre-warm (data + pages) against the store, then the hit ratios a first wave of
 *     shoppers sees: Next page cache (`x-nextjs-cache`) over every warmed page, and the
 *     Redis data layer over the warmed products, categories and listings;
 *  2. req/s of one cached product page from `next start` against a plain `node:http`
 *     server sending the same gzip bytes (bench/page-vs-node.ts), same load
 *     generator, same connections and duration. `npm run bench` measures the same pair
 *     interleaved over several rounds; this script is the one-shot version beside pre-warm.
 *
 *   npx tsx bench/catalog-prewarm.ts --url http://127.0.0.1:3000 [--top 200] [--seconds 6] [--connections 50]
 *
 * The load generator is the bench's closed loop over an undici Pool (bench/closed-loop.ts).
 * It prints figures, asserts nothing.
 */
import { parseArgs } from 'node:util'
import { closedLoop } from './closed-loop'
import { PAGE_REQUEST_HEADERS, servePageTwin } from './page-vs-node'
import { metrics } from '../server/platform/metrics'
import * as repo from '../server/catalog/catalog.repo'
import { getCategoryPage, getProductSummaries, listCategories, listHotDeals } from '../server/catalog/catalog.service'
import { prewarm } from '../server/catalog/prewarm'
import { SORTS } from '../server/catalog/catalog.schema'
import { categoryPath, productPath } from '../server/catalog/paths'

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    top: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '6' },
    connections: { type: 'string', default: '50' },
  },
})
const base = values.url
const top = Number(values.top)
const seconds = Number(values.seconds)
const connections = Number(values.connections)

async function redisEvents(): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const v of (await metrics.cacheEvents.get()).values) if (v.labels.layer === 'redis') out[String(v.labels.event)] = v.value
  return out
}

async function load(origin: string, path: string): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const r = await closedLoop(origin, { path, headers: PAGE_REQUEST_HEADERS }, connections, seconds * 1000)
  const errors = Object.entries(r.statuses).reduce((n, [status, count]) => n + (status === '200' ? 0 : count), 0)
  return { rps: r.rps, p50: r.latency.p50, p99: r.latency.p99, errors }
}

const fmt = (n: number) => n.toFixed(n >= 100 ? 0 : 1)

// 1. Pre-warm, then what the first wave sees.
const warm = await prewarm({ topProducts: top, storeUrls: [base] })
console.log(`prewarm: ${warm.entries} entries, ${warm.pages} pages (${warm.pagesFailed} failed) in ${(warm.ms / 1000).toFixed(1)} s`)

const categories = await listCategories()
const ids = await repo.findTopProductIds(top)
const records = await getProductSummaries(ids)
const paths = ['/', ...categories.map((c) => categoryPath(c.slug)), ...[...records.values()].map((r) => productPath(r.slug))]
let pageHits = 0
for (const path of paths) {
  const res = await fetch(new URL(path, base))
  await res.arrayBuffer()
  if (res.headers.get('x-nextjs-cache') === 'HIT') pageHits++
}
console.log(`page cache after prewarm: ${pageHits}/${paths.length} HIT (${fmt((100 * pageHits) / paths.length)} %)`)

const before = await redisEvents()
await getProductSummaries(ids)
await listCategories()
await listHotDeals(8)
for (const c of categories) for (const sort of SORTS) if (c.productCount > 0) await getCategoryPage(c.slug, 1, sort)
const after = await redisEvents()
const d = (e: string) => (after[e] ?? 0) - (before[e] ?? 0)
const lookups = d('hit') + d('miss') + d('stale')
console.log(`redis data cache after prewarm: ${d('hit')}/${lookups} hits (${fmt((100 * d('hit')) / Math.max(1, lookups))} %), ${d('miss')} misses, ${d('stale')} stale`)

// 2. Cached product page vs the same bytes from node:http.
const hot = [...records.values()].find((r) => r.hot) ?? [...records.values()][0]!
const path = productPath(hot.slug)
const twin = await servePageTwin(new URL(path, base).toString())

await load(new URL(base).origin, path) // warm-up, discarded
const next = await load(new URL(base).origin, path)
const plain = await load(twin.origin, '/')
await twin.close()
console.log(`cached product page ${path} (${twin.bytes} bytes, ${twin.contentEncoding ?? 'identity'}), c=${connections}, ${seconds} s each:`)
console.log(`  next start : ${fmt(next.rps)} req/s  p50 ${fmt(next.p50)} ms  p99 ${fmt(next.p99)} ms  errors ${next.errors}`)
console.log(`  node:http  : ${fmt(plain.rps)} req/s  p50 ${fmt(plain.p50)} ms  p99 ${fmt(plain.p99)} ms  errors ${plain.errors}`)
console.log(`  ratio      : ${(next.rps / plain.rps).toFixed(3)}× of plain node:http`)
process.exit(0)
