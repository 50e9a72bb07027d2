/** Pre-warm against the run's store: pages answered, and afterwards the warmed products cost no database read. */
import { describe, expect, it } from 'vitest'
import { testStoreUrl } from '../../testing/test-store'
import { metrics } from '../platform/metrics'
import * as repo from './catalog.repo'
import { getProductSummaries, listCategories } from './catalog.service'
import { prewarm, type PrewarmProgress } from './prewarm'

const dbQueries = async () => (await metrics.dbQueries.get()).values[0]?.value ?? 0

describe('prewarm', () => {
  it('warms the top products, categories and their pages, reporting progress, so the first shopper hits a warm cache', async () => {
    const progress: PrewarmProgress[] = []
    const result = await prewarm({ topProducts: 30, storeUrls: [testStoreUrl()], concurrency: 4 }, (p) => progress.push(p))
    const categories = await listCategories()
    expect(result.pagesFailed).toBe(0)
    expect(result.pages).toBe(1 + categories.length + 30)
    expect(result.entries).toBeGreaterThanOrEqual(30 * 2 + categories.length)
    expect(progress.at(-1)).toEqual({ phase: 'pages', done: result.pages, total: result.pages })
    expect(progress.some((p) => p.phase === 'data')).toBe(true)

    const top = await repo.findTopProductIds(30)
    const before = await dbQueries()
    const summaries = await getProductSummaries(top)
    expect(summaries.size).toBe(30)
    expect((await dbQueries()) - before).toBe(0)

    const page = await fetch(`${testStoreUrl()}/`)
    await page.arrayBuffer()
    // Served from the page cache: HIT, or STALE when the build-time page is older than its
    // `revalidate` (served at once while one background render refreshes it). Never a MISS.
    expect(['HIT', 'STALE']).toContain(page.headers.get('x-nextjs-cache'))
  })
})
