/**
 * Pre-warm before the doors open: loads the top-N products, every category (first page,
 * each sort) and the hot deals into Redis, then requests their pages from the given store
 * URLs so each instance's page cache holds them. Used by `npm run prewarm` and, later, the
 * ops dashboard. Progress goes to `onProgress`; the result says what was warmed and how long it took.
 *
 * The page requests run through a small worker pool (a dozen lines, hand-written: no
 * dependency needed for "at most N fetches at once").
 */
import { cache, keys, TTL } from '../platform/cache'
import { metrics } from '../platform/metrics'
import { HOT_DEALS_MAX, SORTS } from './catalog.schema'
import * as repo from './catalog.repo'
import { getCategoryPage, listCategories, listHotDeals } from './catalog.service'
import { getProductRecords } from './product-cache'
import { categoryPath, productPath } from './paths'

export interface PrewarmOptions {
  /** How many of the most popular products to warm (hot ones first). */
  topProducts: number
  /** Store base URLs whose pages to request (every instance behind the load balancer). Empty → data only. */
  storeUrls: string[]
  /** Page requests in flight at once. */
  concurrency?: number
  fetchTimeoutMs?: number
}

export type PrewarmPhase = 'data' | 'pages'
export interface PrewarmProgress {
  phase: PrewarmPhase
  done: number
  total: number
}

export interface PrewarmResult {
  /** Redis lookups that filled or found an entry (0 when Redis is unreachable). */
  entries: number
  pages: number
  pagesFailed: number
  ms: number
}

async function pool<T>(items: T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await run(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
}

/** Redis entries written or found present so far in this process (what "warmed" means). */
async function entriesInRedis(): Promise<number> {
  const { values } = await metrics.cacheEvents.get()
  return values
    .filter((v) => v.labels.layer === 'redis' && ['fill', 'hit', 'refused'].includes(String(v.labels.event)))
    .reduce((n, v) => n + v.value, 0)
}

export async function prewarm(opts: PrewarmOptions, onProgress: (p: PrewarmProgress) => void = () => {}): Promise<PrewarmResult> {
  const started = performance.now()
  const entriesBefore = await entriesInRedis()
  const concurrency = opts.concurrency ?? 8

  const productIds = await repo.findTopProductIds(opts.topProducts)
  const categories = await listCategories()
  const dataSteps = 2 + categories.filter((c) => c.productCount > 0).length * SORTS.length
  let done = 0
  const step = () => onProgress({ phase: 'data', done: ++done, total: dataSteps })

  const records = await getProductRecords(productIds)
  // Slug → id entries, so a product page's first lookup is a hit too.
  await Promise.all([...records.values()].map((r) => cache.write(keys.productSlug(r.slug), TTL.productSlug, r.id)))
  step()
  await listHotDeals(8)
  await listHotDeals(HOT_DEALS_MAX)
  step()
  const listings = categories.filter((c) => c.productCount > 0).flatMap((c) => SORTS.map((sort) => ({ slug: c.slug, sort })))
  await pool(listings, concurrency, async ({ slug, sort }) => {
    await getCategoryPage(slug, 1, sort)
    step()
  })
  // Counted from the cache's own events: with Redis down, nothing is warmed and this says 0.
  const entries = (await entriesInRedis()) - entriesBefore

  const paths = ['/', ...categories.map((c) => categoryPath(c.slug)), ...[...records.values()].filter((r) => r.active).map((r) => productPath(r.slug))]
  const targets = opts.storeUrls.flatMap((base) => paths.map((path) => new URL(path, base).toString()))
  let pages = 0
  let pagesFailed = 0
  await pool(targets, concurrency, async (url) => {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(opts.fetchTimeoutMs ?? 30_000) })
      await res.arrayBuffer()
      if (res.ok) pages++
      else pagesFailed++
    } catch {
      pagesFailed++
    }
    onProgress({ phase: 'pages', done: pages + pagesFailed, total: targets.length })
  })

  return { entries, pages, pagesFailed, ms: Math.round(performance.now() - started) }
}
