/**
 * `npm run bench:queue`: how fast a payment worker drains a backlog, at several
 * concurrencies, in one run on one fresh database. For each concurrency, a backlog of
 * orders with their payment jobs is written the way checkout writes them (one
 * transaction: stock, orders, lines, jobs), then a real worker process
 * (server/orders/worker-main.ts) is started and timed from "worker ready" until the last
 * order is settled. The simulated provider runs at p50 80 ms / p99 1.5 s with the default
 * decline share and no transient errors (a retry's backoff would time the backoff, not the
 * worker). Then the dispatch latency: orders committed one at a time to an idle worker with
 * an instant provider, timed from the order's insert to PAID (both PostgreSQL clocks), which
 * is graphile-worker's LISTEN/NOTIFY pickup plus our settlement. Prints markdown tables.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { insertOrders, type NewOrder } from '../server/checkout/checkout.repo'
import { enqueuePayments } from '../server/orders/orders.service'
import { openScratchWorld } from '../testing/test-services'
import { spawnWorker } from '../server/launcher/worker-process'
import { fmt, markdownTable, summary } from './stats'

export const LATENCY = { p50: 80, p99: 1_500 }
/** Orders committed one by one, DISPATCH_GAP_MS apart, for the dispatch-latency figure. */
export const DISPATCH_ORDERS = 40
export const DISPATCH_GAP_MS = 100
/** Backlog per concurrency: several seconds of work each at the provider's mean latency. */
export const RUNS = [
  { concurrency: 1, orders: 60 },
  { concurrency: 8, orders: 500 },
  { concurrency: 32, orders: 2_000 },
] as const
/** Interleaved rounds (1, 8, 32, 1, 8, 32, …) so drift on this shared machine hits every concurrency alike. */
export const ROUNDS = 3

/** Mean of the log-normal with that median and 99th percentile: the ceiling is concurrency / mean. */
const MEAN_LATENCY_MS = LATENCY.p50 * Math.exp((Math.log(LATENCY.p99 / LATENCY.p50) / 2.3263478740408408) ** 2 / 2)

async function writeBacklog(client: pg.PoolClient, productId: number, n: number): Promise<string[]> {
  const orders: NewOrder[] = Array.from({ length: n }, () => {
    const id = randomUUID()
    return {
      id,
      idempotencyKey: id,
      requestHash: '0'.repeat(64),
      sessionId: 'bench',
      email: 'bench@example.com',
      shippingName: 'Bench',
      shippingAddress: '1 Bench Road',
      totalCents: 999,
      currency: 'USD',
      lines: [{ productId, name: 'Bench item', quantity: 1, unitPriceCents: 999 }],
    }
  })
  await client.query('BEGIN')
  await client.query('UPDATE "Product" SET stock = stock - $2 WHERE id = $1', [productId, n])
  await insertOrders(client, orders)
  await enqueuePayments(client, orders.map((o) => o.id))
  await client.query('COMMIT')
  return orders.map((o) => o.id)
}

async function pending(client: pg.PoolClient, ids: string[]): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Order" WHERE id = ANY($1::uuid[]) AND status = 'PENDING_PAYMENT'`,
    [ids],
  )
  return rows[0]!.n
}

function workerEnv(databaseUrl: string, keyPrefix: string, gatewayPort: number, extra: Record<string, string>): Record<string, string | undefined> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    GATEWAY_PORT: String(gatewayPort),
    UPSTASH_REDIS_REST_URL: undefined,
    UPSTASH_REDIS_REST_TOKEN: undefined,
    PAYMENT_TRANSIENT_ERROR_RATE: '0',
    LOG_LEVEL: 'info',
    ...extra,
  }
}

/** Milliseconds from insert to PAID for each order, sorted. */
async function dispatchLatencies(client: pg.PoolClient, productId: number, spawn: () => ReturnType<typeof spawnWorker>): Promise<number[]> {
  const worker = spawn()
  try {
    await worker.ready
    const ids: string[] = []
    for (let i = 0; i < DISPATCH_ORDERS; i++) {
      ids.push(...(await writeBacklog(client, productId, 1)))
      await sleep(DISPATCH_GAP_MS)
    }
    while ((await pending(client, ids)) > 0) await sleep(25)
    const { rows } = await client.query<{ ms: number }>(
      `SELECT EXTRACT(EPOCH FROM "paidAt" - "createdAt")::float8 * 1000 AS ms FROM "Order" WHERE id = ANY($1::uuid[]) ORDER BY 1`,
      [ids],
    )
    return rows.map((r) => r.ms)
  } finally {
    await worker.stop()
  }
}

function percentiles(output: string): { p50: number; p95: number; p99: number } | null {
  const line = output.split('\n').find((l) => l.includes('"msg":"worker stopped"'))
  if (!line) return null
  return (JSON.parse(line) as { payments: { p50: number; p95: number; p99: number } }).payments
}

async function main() {
  console.error('bench:queue: preparing a fresh database and gateway…')
  const world = await openScratchWorld('benchq', { seedProducts: 20 })
  const { database, keyPrefix, gateway } = world
  const pool = new pg.Pool({ connectionString: database.url, max: 1 })
  const client = await pool.connect()
  const rows: string[][] = []
  try {
    const { rows: product } = await client.query<{ id: number }>(
      `INSERT INTO "Product" (slug, name, description, "priceCents", stock, "categoryId", "updatedAt")
       VALUES ('bench-queue', 'Bench item', 'bench', 999, 10000000, (SELECT min(id) FROM "Category"), now()) RETURNING id`,
    )
    const trials = new Map<number, Array<{ rate: number; p: ReturnType<typeof percentiles> }>>(RUNS.map((r) => [r.concurrency, []]))
    for (let round = 1; round <= ROUNDS; round++) {
      for (const run of RUNS) {
        const ids = await writeBacklog(client, product[0]!.id, run.orders)
        const worker = spawnWorker(
          workerEnv(database.url, keyPrefix, gateway.port, {
            WORKER_CONCURRENCY: String(run.concurrency),
            PAYMENT_LATENCY_P50_MS: String(LATENCY.p50),
            PAYMENT_LATENCY_P99_MS: String(LATENCY.p99),
          }),
        )
        try {
          await worker.ready
          const started = performance.now()
          while ((await pending(client, ids)) > 0) await sleep(25)
          const seconds = (performance.now() - started) / 1000
          await worker.stop()
          trials.get(run.concurrency)!.push({ rate: run.orders / seconds, p: percentiles(worker.output()) })
          console.error(`bench:queue: round ${round}, concurrency ${run.concurrency}: ${run.orders} orders in ${seconds.toFixed(1)} s`)
        } finally {
          await worker.kill()
        }
      }
    }
    for (const run of RUNS) {
      const got = trials.get(run.concurrency)!
      const s = summary(got.map((t) => t.rate))
      const median = [...got].sort((a, b) => a.rate - b.rate)[Math.floor(got.length / 2)]!
      rows.push([
        String(run.concurrency),
        String(run.orders),
        `${fmt(s.median, 1)} [${fmt(s.min, 1)}–${fmt(s.max, 1)}]`,
        fmt((run.concurrency * 1000) / MEAN_LATENCY_MS, 1),
        median.p ? `${median.p.p50} / ${median.p.p95} / ${median.p.p99}` : 'n/a',
      ])
    }
    const dispatch = await dispatchLatencies(client, product[0]!.id, () =>
      spawnWorker(workerEnv(database.url, keyPrefix, gateway.port, { WORKER_CONCURRENCY: '8', PAYMENT_LATENCY_P50_MS: '0', PAYMENT_LATENCY_P99_MS: '0', PAYMENT_DECLINE_RATE: '0' })),
    )
    const at = (q: number) => dispatch[Math.min(dispatch.length - 1, Math.floor(q * dispatch.length))]!
    console.log(`\n### Payment queue drain: one worker process, backlog timed from "worker ready" to the last order settled; simulated provider p50 ${LATENCY.p50} ms / p99 ${LATENCY.p99} ms (mean ${fmt(MEAN_LATENCY_MS)} ms)\n`)
    console.log(markdownTable(['concurrency', 'backlog (orders)', `orders/s, median [min–max] of ${ROUNDS}`, 'ceiling: concurrency / mean latency', 'charge ms p50 / p95 / p99 (median round)'], rows))
    console.log(`\n### Dispatch latency: ${DISPATCH_ORDERS} orders committed ${DISPATCH_GAP_MS} ms apart to an idle worker, instant provider\n`)
    console.log(markdownTable(['insert → PAID ms p50', 'p90', 'max'], [[fmt(at(0.5), 1), fmt(at(0.9), 1), fmt(dispatch.at(-1)!, 1)]]))
    console.log('')
  } finally {
    client.release()
    await pool.end()
    await world.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
