/**
 * The API service pairs of `npm run bench` (issue 15): a real API process (server/api) on the
 * bench's database, Redis prefix and secrets, against the store's own `/api/trpc` (the store's
 * process: since 2026-12-01 tRPC's Node adapter beside Next, server/web/web-server.ts; before,
 * Next's route handler), each pair interleaved A B A B … in the same run:
 *  1. a trivial tRPC query (`flags.enabled`, in-process cached flags) at c=32: API ÷ store;
 *  2. hot-SKU checkout orders/s at 32 and 128 buyers: API ÷ store (then 0 oversold, from SQL:
 *     every unit that left the shelf is in exactly one order line, stock never below 0);
 *  3. on the API service at c=16: sold-out answers/s ÷ accepted checkouts/s, sold-out p99 ÷ the
 *     trivial query's p99, and PostgreSQL statements per sold-out answer, counted twice: the
 *     process's own `storefront_db_queries_total`, and PostgreSQL's own transaction counters
 *     for the database (`pg_stat_database`, read after the backends' stats flush).
 * Returns markdown. Asserts nothing (speed goals live here as ratios).
 */
import pg from 'pg'
import superjson from 'superjson'
import { TEST_ADDRESS } from '../testing/test-shopper'
import { indexedClientAddress, type StoreEnv } from '../testing/test-store'
import { closedLoop, type ClosedLoopResult } from './closed-loop'
import { closeGate, dbQueriesTotal } from './sold-out'
import { fmt, markdownTable, summary } from './stats'
import { startApiService } from '../testing/api-service'
import { withCpu } from './process-cpu'
import { createBenchProduct } from './bench-product'

export const API_ROUNDS = 3
export const API_TRIAL_MS = 3_000
export const TRIVIAL_CONNECTIONS = 32
export const CHECKOUT_BUYERS = [32, 128] as const
export const SOLD_OUT_CONNECTIONS = 16
const BIG_STOCK = 10_000_000
/**
 * PostgreSQL backends flush their statistics at most every second while busy and within 10 s
 * once idle (PGSTAT_IDLE_INTERVAL in PostgreSQL 15); the transaction counts are read after this.
 */
const PG_STATS_SETTLE_MS = 11_000

export interface ApiPairContext {
  storeUrl: string
  /** The store's server process (its CPU time per answer is printed beside the API process's). */
  storePid: number
  storeEnv: StoreEnv
  databaseUrl: string
  /** Session cookies, `sessions[k]` belonging to the shopper at `indexedClientAddress(k)`. */
  sessions: string[]
  metricsToken: string
}

const trivial = (url: string, c: number, ms: number) =>
  closedLoop(
    new URL(url).origin,
    { path: '/api/trpc/flags.enabled', headersFor: (i) => ({ 'x-forwarded-for': indexedClientAddress(i % 4_096) }) },
    c,
    ms,
  )

function checkout(url: string, productId: number, sessions: string[], c: number, ms: number): Promise<ClosedLoopResult> {
  return closedLoop(
    new URL(url).origin,
    {
      path: '/api/trpc/checkout.placeOrder',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      headersFor: (i) => ({ cookie: sessions[i % sessions.length]!, 'x-forwarded-for': indexedClientAddress(i % sessions.length) }),
      body: () => JSON.stringify(superjson.serialize({ idempotencyKey: crypto.randomUUID(), ...TEST_ADDRESS, lines: [{ productId, quantity: 1 }] })),
    },
    c,
    ms,
  )
}

type Trial = ClosedLoopResult & { cpuMs: number }

const answers = (r: ClosedLoopResult) => Object.values(r.statuses).reduce((a, b) => a + b, 0)
/** Accepted orders per second: the share of 200s in the trial's answer rate. */
const ordersPerSecond = (r: ClosedLoopResult) => (r.rps * (r.statuses[200] ?? 0)) / Math.max(1, answers(r))
const otherThan = (r: ClosedLoopResult[], ok: number) =>
  r.reduce((n, t) => n + Object.entries(t.statuses).reduce((m, [s, k]) => m + (Number(s) === ok ? 0 : k), 0), 0)

async function withClient<T>(databaseUrl: string, run: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return await run(client)
  } finally {
    await client.end()
  }
}

const newProduct = (databaseUrl: string, name: string, stock: number) => createBenchProduct(databaseUrl, `api-${name}`, stock)

/** Units that left the shelf without an order line for them (0 = none oversold), and the lowest stock seen. */
async function oversold(databaseUrl: string, productId: number, initial: number): Promise<{ oversold: number; stock: number; sold: number }> {
  return withClient(databaseUrl, async (c) => {
    const { rows } = await c.query<{ stock: number; sold: string }>(
      `SELECT p.stock, COALESCE(SUM(l.quantity), 0) AS sold
         FROM "Product" p LEFT JOIN "OrderLine" l ON l."productId" = p.id
        WHERE p.id = $1 GROUP BY p.id, p.stock`,
      [productId],
    )
    const { stock, sold } = rows[0]!
    return { oversold: Number(sold) - (initial - stock), stock, sold: Number(sold) }
  })
}

/** Committed + rolled-back transactions of the database so far (PostgreSQL's own counters). */
async function databaseTransactions(databaseUrl: string): Promise<number> {
  await new Promise((r) => setTimeout(r, PG_STATS_SETTLE_MS))
  return withClient(databaseUrl, async (c) => {
    const { rows } = await c.query<{ n: string }>('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()')
    return Number(rows[0]!.n)
  })
}

export async function runApiPairs(ctx: ApiPairContext): Promise<string> {
  const api = await startApiService('auto', ctx.storeEnv)
  const out: string[] = []
  try {
    const spread = (values: number[], digits = 0) => {
      const s = summary(values)
      return `${fmt(s.median, digits)} [${fmt(s.min, digits)}–${fmt(s.max, digits)}]`
    }
    const median = (values: number[]) => summary(values).median
    const ratio = (a: number[], b: number[], digits = 2) => `${fmt(median(a) / median(b), digits)}×`

    // 1. Trivial query, c=32.
    const apiPid = api.process.pid!
    const q = { next: [] as Trial[], api: [] as Trial[] }
    for (let round = 1; round <= API_ROUNDS; round++) {
      console.error(`bench: API trivial query round ${round}/${API_ROUNDS}`)
      q.next.push(await withCpu(ctx.storePid, () => trivial(ctx.storeUrl, TRIVIAL_CONNECTIONS, API_TRIAL_MS)))
      q.api.push(await withCpu(apiPid, () => trivial(api.url, TRIVIAL_CONNECTIONS, API_TRIAL_MS)))
    }

    // 2. Hot-SKU checkout through each host, 32 and 128 buyers.
    const products = { next: await newProduct(ctx.databaseUrl, 'next', BIG_STOCK), api: await newProduct(ctx.databaseUrl, 'api', BIG_STOCK) }
    const co: Record<number, { next: Trial[]; api: Trial[] }> = {}
    for (const c of CHECKOUT_BUYERS) {
      co[c] = { next: [], api: [] }
      for (let round = 1; round <= API_ROUNDS; round++) {
        console.error(`bench: API checkout c=${c} round ${round}/${API_ROUNDS}`)
        co[c].next.push(await withCpu(ctx.storePid, () => checkout(ctx.storeUrl, products.next, ctx.sessions, c, API_TRIAL_MS)))
        co[c].api.push(await withCpu(apiPid, () => checkout(api.url, products.api, ctx.sessions, c, API_TRIAL_MS)))
      }
    }
    const conservation = { next: await oversold(ctx.databaseUrl, products.next, BIG_STOCK), api: await oversold(ctx.databaseUrl, products.api, BIG_STOCK) }

    // 3. Sold-out vs accepted vs trivial on the API service, c=16.
    const soldOutId = await newProduct(ctx.databaseUrl, 'sold-out', 1)
    const acceptedId = await newProduct(ctx.databaseUrl, 'accepted', BIG_STOCK)
    await closeGate(api.url, soldOutId, ctx.sessions[0]!)
    const s = { accepted: [] as Trial[], soldOut: [] as Trial[], trivial: [] as Trial[], statements: [] as number[] }
    for (let round = 1; round <= API_ROUNDS; round++) {
      console.error(`bench: API sold-out round ${round}/${API_ROUNDS}`)
      s.accepted.push(await withCpu(apiPid, () => checkout(api.url, acceptedId, ctx.sessions, SOLD_OUT_CONNECTIONS, API_TRIAL_MS)))
      const before = await dbQueriesTotal(api.url, ctx.metricsToken)
      const refused = await withCpu(apiPid, () => checkout(api.url, soldOutId, ctx.sessions, SOLD_OUT_CONNECTIONS, API_TRIAL_MS))
      s.statements.push(((await dbQueriesTotal(api.url, ctx.metricsToken)) - before) / Math.max(1, answers(refused)))
      s.soldOut.push(refused)
      s.trivial.push(await withCpu(apiPid, () => trivial(api.url, SOLD_OUT_CONNECTIONS, API_TRIAL_MS)))
    }
    // PostgreSQL's own count over one more sold-out trial, with the stats flushed on both sides.
    console.error('bench: API sold-out, PostgreSQL transaction count (about 25 s)')
    const xactBefore = await databaseTransactions(ctx.databaseUrl)
    const probe = await checkout(api.url, soldOutId, ctx.sessions, SOLD_OUT_CONNECTIONS, API_TRIAL_MS)
    // The "before" read is itself one transaction.
    const xactPerAnswer = ((await databaseTransactions(ctx.databaseUrl)) - xactBefore - 1) / Math.max(1, answers(probe))

    const rps = (r: ClosedLoopResult[]) => r.map((t) => t.rps)
    const orders = (r: ClosedLoopResult[]) => r.map(ordersPerSecond)
    const p99 = (r: ClosedLoopResult[]) => r.map((t) => t.latency.p99)
    /** Server CPU ms per answer (per accepted order for checkout). */
    const cpu = (r: Trial[], per: (t: Trial) => number = answers) => spread(r.map((t) => t.cpuMs / Math.max(1, per(t))), 2)
    const accepted = (t: Trial) => t.statuses[200] ?? 0
    out.push(`### API service (standalone tRPC adapter) vs the store's own process (${API_ROUNDS} interleaved rounds of ${API_TRIAL_MS / 1000} s, closed loop; median [min–max])\n`)
    out.push(
      markdownTable(
        ['comparison', 'contender', 'per second', 'p99 ms', 'vs baseline', 'server CPU ms per answer', 'non-2xx / other'],
        [
          [`trivial query \`flags.enabled\`, c=${TRIVIAL_CONNECTIONS}`, 'baseline: the store (our server → tRPC Node adapter, Next beside it)', spread(rps(q.next)), spread(p99(q.next), 1), '1.00×', cpu(q.next), String(otherThan(q.next, 200))],
          ['', 'API service (node:http → standalone adapter)', spread(rps(q.api)), spread(p99(q.api), 1), ratio(rps(q.api), rps(q.next)), cpu(q.api), String(otherThan(q.api, 200))],
          ...CHECKOUT_BUYERS.flatMap((c) => [
            [`hot-SKU checkout orders/s, ${c} buyers`, 'baseline: through the store', spread(orders(co[c]!.next)), spread(p99(co[c]!.next), 1), '1.00×', cpu(co[c]!.next, accepted), `${otherThan(co[c]!.next, 200)} non-200`],
            ['', 'through the API service', spread(orders(co[c]!.api)), spread(p99(co[c]!.api), 1), ratio(orders(co[c]!.api), orders(co[c]!.next)), cpu(co[c]!.api, accepted), `${otherThan(co[c]!.api, 200)} non-200`],
          ]),
        ],
      ),
    )
    out.push(
      `\nOversold after all checkout trials (units that left the shelf minus units in order lines, from SQL): store ${conservation.next.oversold} (${fmt(conservation.next.sold)} sold), API service ${conservation.api.oversold} (${fmt(conservation.api.sold)} sold); lowest stock ${Math.min(conservation.next.stock, conservation.api.stock)}.\n`,
    )
    out.push(`### Sold-out answers on the API service (c=${SOLD_OUT_CONNECTIONS}, ${API_ROUNDS} interleaved rounds of ${API_TRIAL_MS / 1000} s)\n`)
    out.push(
      markdownTable(
        ['answer', 'answers/s', 'p50 ms', 'p99 ms', 'rate vs accepted', 'p99 vs trivial query', 'API CPU ms per answer', 'non-expected answers'],
        [
          ['baseline: 200 order accepted', spread(rps(s.accepted)), spread(s.accepted.map((r) => r.latency.p50), 1), spread(p99(s.accepted), 1), '1.00×', ratio(p99(s.accepted), p99(s.trivial)), cpu(s.accepted), `${otherThan(s.accepted, 200)} non-200`],
          ['409 sold out (gate closed)', spread(rps(s.soldOut)), spread(s.soldOut.map((r) => r.latency.p50), 1), spread(p99(s.soldOut), 1), ratio(rps(s.soldOut), rps(s.accepted)), ratio(p99(s.soldOut), p99(s.trivial)), cpu(s.soldOut), `${otherThan(s.soldOut, 409)} non-409`],
          ['trivial query `flags.enabled`', spread(rps(s.trivial)), spread(s.trivial.map((r) => r.latency.p50), 1), spread(p99(s.trivial), 1), '', '1.00×', cpu(s.trivial), `${otherThan(s.trivial, 200)} non-200`],
        ],
      ),
    )
    out.push(
      `\nPostgreSQL statements per sold-out answer: ${spread(s.statements, 3)} (the API process's \`storefront_db_queries_total\`, per trial); ` +
        `PostgreSQL's own transaction count (\`pg_stat_database\`, xact_commit + xact_rollback, one more ${API_TRIAL_MS / 1000} s trial of ${fmt(answers(probe))} answers, stats settled ${PG_STATS_SETTLE_MS / 1000} s on each side): ${fmt(xactPerAnswer, 3)} per answer.\n`,
    )
  } finally {
    await api.stop()
  }
  return out.join('\n')
}
