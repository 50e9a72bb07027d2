/**
 * The read-path and rejection pairs of `npm run bench` (main.ts runs the hot-SKU table
 * first): each pair interleaved over ROUNDS rounds against a baseline from the same run.
 * Returns the markdown to print.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { runEdgePagePair } from './edge-page'
import { TEST_DIST_DIR } from '../testing/test-store'
import type { ClosedLoopResult } from './closed-loop'
import { startReadPair, type ReadTrial } from './prisma-vs-pg'
import { PAGE_CONNECTIONS, PagePair, STOCK_CONNECTIONS, stockViaRoute, stockViaTrpc } from './read-paths'
import { acceptedTrial, CHECKOUT_CONNECTIONS, closeGate, soldOutTrial, type RejectionTrial } from './sold-out'
import { fmt, markdownTable, summary } from './stats'

export const PAIR_ROUNDS = 3
export const PAIR_TRIAL_MS = 3_000
export const DB_TRIAL_MS = 2_000
export const DB_CONCURRENCY = [1, 16] as const

export interface PairContext {
  storeUrl: string
  /** Plain `next start` on the same build and services (the baseline of our server's cost). */
  plainNextUrl: string
  databaseUrl: string
  sessions: string[]
  metricsToken: string
}

/** Runs each contender once per round, in the same order every round (A B A B …). */
async function interleave<K extends string, T>(label: string, contenders: Record<K, () => Promise<T>>): Promise<Record<K, T[]>> {
  const keys = Object.keys(contenders) as K[]
  const got = Object.fromEntries(keys.map((k) => [k, [] as T[]])) as Record<K, T[]>
  for (let round = 1; round <= PAIR_ROUNDS; round++) {
    console.error(`bench: ${label} round ${round}/${PAIR_ROUNDS}`)
    for (const k of keys) got[k].push(await contenders[k]())
  }
  return got
}

const spread = (values: number[], digits = 0) => {
  const s = summary(values)
  return `${fmt(s.median, digits)} [${fmt(s.min, digits)}–${fmt(s.max, digits)}]`
}
const median = (values: number[]) => summary(values).median
const rps = (runs: ClosedLoopResult[]) => runs.map((r) => r.rps)
const p99 = (runs: ClosedLoopResult[]) => runs.map((r) => r.latency.p99)
const failures = (runs: ClosedLoopResult[], ok: (status: number) => boolean) =>
  runs.reduce((n, r) => n + Object.entries(r.statuses).reduce((m, [status, c]) => m + (ok(Number(status)) ? 0 : c), 0), 0)
const is2xx = (s: number) => s >= 200 && s < 300

async function newProduct(databaseUrl: string, name: string, stock: number): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO "Product" (slug, name, description, "priceCents", stock, "categoryId", "updatedAt")
       VALUES ($1, $2, 'bench', 999, $3, (SELECT min(id) FROM "Category"), now()) RETURNING id`,
      [`bench-${name}-${Date.now()}`, `Bench ${name}`, stock],
    )
    return rows[0]!.id
  } finally {
    await client.end()
  }
}

async function catalogFacts(databaseUrl: string): Promise<{ hotSlug: string; stockId: number; ids: number[] }> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const hot = await client.query<{ slug: string }>('SELECT slug FROM "Product" WHERE hot AND active ORDER BY popularity DESC LIMIT 1')
    const ids = await client.query<{ id: number }>('SELECT id FROM "Product" WHERE active AND NOT hot ORDER BY popularity DESC LIMIT 200')
    return { hotSlug: hot.rows[0]!.slug, stockId: ids.rows[0]!.id, ids: ids.rows.map((r) => r.id) }
  } finally {
    await client.end()
  }
}

/** The build's draft-mode id (Next's prerender manifest): its cookie makes Next render a cached page per request. */
function previewModeIdOf(distDir: string): string {
  const manifest = JSON.parse(readFileSync(join(distDir, 'prerender-manifest.json'), 'utf8')) as { preview?: { previewModeId?: unknown } }
  const id = manifest.preview?.previewModeId
  if (typeof id !== 'string') throw new Error(`${distDir}/prerender-manifest.json has no preview.previewModeId`)
  return id
}

export async function runPairs(ctx: PairContext): Promise<string> {
  const facts = await catalogFacts(ctx.databaseUrl)
  const out: string[] = []

  // Cached product page vs the same bytes from node:http.
  const page = await PagePair.start(ctx.storeUrl, ctx.plainNextUrl, `/p/${facts.hotSlug}`)
  const previewModeId = previewModeIdOf(TEST_DIST_DIR)
  const pages = await interleave('page', {
    plain: () => page.plain(PAIR_TRIAL_MS),
    plainNext: () => page.plainNext(PAIR_TRIAL_MS),
    next: () => page.next(PAIR_TRIAL_MS),
    perRequest: () => page.perRequest(PAIR_TRIAL_MS, previewModeId),
  })
  await page.twin.close()

  // The same page through the edge (Varnish) vs the same bytes from node:http.
  const edgePage = await runEdgePagePair(ctx.storeUrl, `/p/${facts.hotSlug}`)

  // Stock read: plain route handler vs tRPC.
  const stock = await interleave('stock read', {
    route: () => stockViaRoute(ctx.storeUrl, facts.stockId, PAIR_TRIAL_MS),
    trpc: () => stockViaTrpc(ctx.storeUrl, facts.stockId, PAIR_TRIAL_MS),
  })

  // Prisma findUnique vs pg with Prisma's own SQL.
  const reads = await startReadPair(ctx.databaseUrl, facts.ids)
  const db: Record<number, { pg: ReadTrial[]; prisma: ReadTrial[] }> = {}
  try {
    for (const c of DB_CONCURRENCY) {
      const got = await interleave(`findUnique c=${c}`, { pg: () => reads.pg(c, DB_TRIAL_MS), prisma: () => reads.prisma(c, DB_TRIAL_MS) })
      db[c] = got
    }
  } finally {
    await reads.close()
  }

  // Sold-out rejections vs accepted checkouts.
  const soldOutId = await newProduct(ctx.databaseUrl, 'sold-out', 1)
  const acceptedId = await newProduct(ctx.databaseUrl, 'accepted', 10_000_000)
  await closeGate(ctx.storeUrl, soldOutId, ctx.sessions[0]!)
  const checkout = await interleave<'accepted' | 'soldOut', RejectionTrial>('sold-out', {
    accepted: () => acceptedTrial(ctx.storeUrl, ctx.metricsToken, acceptedId, ctx.sessions, PAIR_TRIAL_MS),
    soldOut: () => soldOutTrial(ctx.storeUrl, ctx.metricsToken, soldOutId, ctx.sessions, PAIR_TRIAL_MS),
  })

  const ratio = (a: number[], b: number[]) => `${fmt(median(a) / median(b), 3)}×`
  out.push(`### Read paths (${PAIR_ROUNDS} interleaved rounds of ${PAIR_TRIAL_MS / 1000} s, closed loop; median [min–max])\n`)
  out.push(
    markdownTable(
      ['comparison', 'contender', 'per second', 'p99 ms', 'vs baseline', 'non-2xx / statements per call'],
      [
        [`cached product page, c=${PAGE_CONNECTIONS}, ${page.twin.bytes} B ${page.twin.contentEncoding ?? 'identity'}`, 'baseline: node:http, identical bytes', spread(rps(pages.plain)), spread(p99(pages.plain), 1), '1.000×', String(failures(pages.plain, is2xx))],
        ['', 'plain `next start` (ISR cache hit)', spread(rps(pages.plainNext)), spread(p99(pages.plainNext), 1), ratio(rps(pages.plainNext), rps(pages.plain)), String(failures(pages.plainNext, is2xx))],
        ['', `our server: client identity + security headers, then Next (${ratio(rps(pages.next), rps(pages.plainNext))} of plain \`next start\`)`, spread(rps(pages.next)), spread(p99(pages.next), 1), ratio(rps(pages.next), rps(pages.plain)), String(failures(pages.next, is2xx))],
        ['', `our server, the page rendered per request (what a per-request CSP nonce would force; ${ratio(rps(pages.perRequest), rps(pages.next))} of cached)`, spread(rps(pages.perRequest)), spread(p99(pages.perRequest), 1), ratio(rps(pages.perRequest), rps(pages.plain)), String(failures(pages.perRequest, is2xx))],
        [`stock read, c=${STOCK_CONNECTIONS}`, 'baseline: plain route handler `/api/stock/{id}`', spread(rps(stock.route)), spread(p99(stock.route), 1), '1.000×', String(failures(stock.route, is2xx))],
        ['', 'tRPC `catalog.stock` (same schemas, same service call)', spread(rps(stock.trpc)), spread(p99(stock.trpc), 1), ratio(rps(stock.trpc), rps(stock.route)), String(failures(stock.trpc, is2xx))],
        ...DB_CONCURRENCY.flatMap((c) => {
          const pgRates = db[c]!.pg.map((t) => t.opsPerSecond)
          const prismaRates = db[c]!.prisma.map((t) => t.opsPerSecond)
          return [
            [`product by id, ${c} concurrent, in-process`, 'baseline: `pg` with Prisma\'s SQL', spread(pgRates), '', '1.000×', '1 statement'],
            ['', 'Prisma 7 `findUnique`', spread(prismaRates), '', ratio(prismaRates, pgRates), `${spread(db[c]!.prisma.map((t) => t.statementsPerOp), 2)} statements`],
          ]
        }),
      ],
    ),
  )
  out.push(`\nPrisma's SQL, as its query event logged it: \`${reads.sql}\``)
  const acc = checkout.accepted.map((t) => t.result)
  const rej = checkout.soldOut.map((t) => t.result)
  out.push(`\n### Sold-out rejections vs accepted checkouts (HTTP, c=${CHECKOUT_CONNECTIONS}, ${PAIR_ROUNDS} interleaved rounds of ${PAIR_TRIAL_MS / 1000} s)\n`)
  out.push(
    markdownTable(
      ['answer', 'answers/s', 'p50 ms', 'p99 ms', 'p99 vs accepted', 'PostgreSQL statements per answer'],
      [
        ['baseline: 200 order accepted', spread(rps(acc)), spread(acc.map((r) => r.latency.p50), 1), spread(p99(acc), 1), '1.000×', spread(checkout.accepted.map((t) => t.queriesPerAnswer), 2)],
        ['409 sold out (gate closed)', spread(rps(rej)), spread(rej.map((r) => r.latency.p50), 1), spread(p99(rej), 1), ratio(p99(rej), p99(acc)), spread(checkout.soldOut.map((t) => t.queriesPerAnswer), 2)],
      ],
    ),
  )
  out.push(`\nStatements per answer come from the store's own \`storefront_db_queries_total\` (/api/metrics) read before and after each trial.\n`)
  out.push(edgePage)
  return out.join('\n')
}
