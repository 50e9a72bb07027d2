/**
 * Catalog benchmark (local, 127.0.0.1 only), in one run:
 *  1. pre-warm (data + pages) against the store, then the hit ratios a first wave of
 *     shoppers sees: Next page cache (`x-nextjs-cache`) over every warmed page, and the
 *     Redis data layer over the warmed products, categories and listings;
 *  2. req/s of one cached product page from `next start` against a plain `node:http`
 *     server sending the same bytes, same load generator, same connections and duration.
 *
 *   npx tsx server/catalog/bench-catalog.ts --url http://127.0.0.1:3000 [--top 200] [--seconds 6] [--connections 50]
 *
 * The load generator is a closed loop over an undici Pool (undici is already a dependency;
 * autocannon would only add a second HTTP client). It prints figures, asserts nothing.
 */
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import { Pool } from 'undici'
import { metrics } from '../platform/metrics'
import * as repo from './catalog.repo'
import { getCategoryPage, getProductSummaries, listCategories, listHotDeals, prewarm } from './catalog.service'
import { SORTS } from './catalog.schema'
import { categoryPath, productPath } from './paths'

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
  const pool = new Pool(origin, { connections, pipelining: 1 })
  const deadline = performance.now() + seconds * 1000
  const latencies: number[] = []
  let errors = 0
  const worker = async () => {
    while (performance.now() < deadline) {
      const t = performance.now()
      try {
        const res = await pool.request({ path, method: 'GET' })
        await res.body.arrayBuffer()
        if (res.statusCode !== 200) errors++
        latencies.push(performance.now() - t)
      } catch {
        errors++
      }
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: connections }, worker))
  const elapsed = (performance.now() - started) / 1000
  await pool.close()
  latencies.sort((a, b) => a - b)
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors }
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
const sample = await fetch(new URL(path, base))
const body = Buffer.from(await sample.arrayBuffer())
const contentType = sample.headers.get('content-type') ?? 'text/html; charset=utf-8'
const raw = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': contentType, 'content-length': body.length })
  res.end(body)
})
await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r))
const rawOrigin = `http://127.0.0.1:${(raw.address() as { port: number }).port}`

await load(new URL(base).origin, path) // warm-up, discarded
const next = await load(new URL(base).origin, path)
const plain = await load(rawOrigin, '/')
raw.close()
console.log(`cached product page ${path} (${body.length} bytes), c=${connections}, ${seconds} s each:`)
console.log(`  next start : ${fmt(next.rps)} req/s  p50 ${fmt(next.p50)} ms  p99 ${fmt(next.p99)} ms  errors ${next.errors}`)
console.log(`  node:http  : ${fmt(plain.rps)} req/s  p50 ${fmt(plain.p50)} ms  p99 ${fmt(plain.p99)} ms  errors ${plain.errors}`)
console.log(`  ratio      : ${(next.rps / plain.rps).toFixed(3)}× of plain node:http`)
process.exit(0)
