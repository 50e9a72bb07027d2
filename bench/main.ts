/**
 * `npm run bench`: side-by-side ratios against a baseline measured in the same run, on one
 * fresh database and one store, every pair interleaved (A B A B …) so drift on this shared
 * 2-core machine hits both sides alike. Prints markdown tables of median [min–max]:
 *  1. hot-SKU orders/s at 32 and 128 buyers: our checkout vs B0 (atomic single-row UPDATE),
 *     a Redis SET NX lock and a naive read-then-write (with its oversell count);
 *  2. a cached product page on our server and on plain `next start` vs plain node:http
 *     sending the identical bytes (what our server costs: its row's ratio to `next start`);
 *  3. sold-out rejections (p99, PostgreSQL statements per rejection) vs accepted checkouts;
 *  4. the stock read through tRPC vs a plain route handler;
 *  5. Prisma `findUnique` vs node-postgres running the same SQL;
 *  6. the waiting room's cost on checkout: off vs on but not engaged (bench/waiting-room-cost.ts);
 *  7. the standalone tRPC API service vs the store's own /api/trpc (bench/api-pairs.ts): trivial query,
 *     hot-SKU checkout at 32 and 128 buyers, sold-out answers vs accepted checkouts.
 * Asserts nothing: speed goals live here as ratios, never in the test suite.
 */
import { env } from '../server/env'
import { storeWaitingRoomMode } from '../testing/waiting-room-mode'
import { openScratchWorld } from '../testing/test-services'
import { BEHIND_LOCAL_EDGE, ensureTestBuild, startStore } from '../testing/test-store'
import { testSecrets } from '../server/launcher/local-secrets'
import { DEFAULT_PRODUCT_COUNT } from '../prisma/seed-data'
import { b0, inventoryInProcess, naive, ours, redisLock, type Result } from './hot-sku'
import { runPairs } from './pairs'
import { runApiPairs } from './api-pairs'
import { runWaitingRoomCost } from './waiting-room-cost'
import { fmt, markdownTable, summary } from './stats'
import { createSessions } from './shopper-sessions'
import { createBenchProduct } from './bench-product'

export const BENCH_PORT = 3500
export const TRIAL_MS = 3_000
export const ROUNDS = 3
export const CONCURRENCY = [32, 128] as const
export const SESSIONS = 2_000
const BIG_STOCK = 10_000_000

const product = (databaseUrl: string, name: string) => createBenchProduct(databaseUrl, name, BIG_STOCK)


async function main() {
  console.error('bench: preparing a fresh database, gateway and store…')
  const world = await openScratchWorld('bench', { seedProducts: DEFAULT_PRODUCT_COUNT })
  const { database } = world
  // The bench measures checkout itself: the waiting room would answer part of a burst QUEUED (a 200 that is no order).
  await storeWaitingRoomMode(env.REDIS_URL, world.keyPrefix, 'off')
  const secrets = await testSecrets()
  // The bench plays our edge: every simulated shopper has an address of its own (X-Forwarded-For).
  const storeEnv = world.storeEnv({ ...secrets.env, ...BEHIND_LOCAL_EDGE, LOG_LEVEL: 'error' })
  await ensureTestBuild(storeEnv)
  const store = await startStore(BENCH_PORT, storeEnv)
  const plainNext = await startStore(BENCH_PORT + 1, storeEnv, 'plain-next-start')
  try {
    const sessions = await createSessions(store.url, SESSIONS)
    const ids = {
      ours: await product(database.url, 'ours'),
      b0: await product(database.url, 'b0'),
      lock: await product(database.url, 'lock'),
      naive: await product(database.url, 'naive'),
      folded: await product(database.url, 'folded'),
      perOrder: await product(database.url, 'per-order'),
      perOrderVersioned: await product(database.url, 'per-order-versioned'),
      room: await product(database.url, 'waiting-room'),
    }
    const serial: number[] = []
    const rows: string[][] = []
    for (const c of CONCURRENCY) {
      const got: Record<'ours' | 'folded' | 'perOrder' | 'perOrderVersioned' | 'b0' | 'lock' | 'naive', Result[]> = {
        ours: [],
        folded: [],
        perOrder: [],
        perOrderVersioned: [],
        b0: [],
        lock: [],
        naive: [],
      }
      for (let round = 1; round <= ROUNDS; round++) {
        console.error(`bench: c=${c} round ${round}/${ROUNDS}`)
        got.ours.push(await ours(store.url, ids.ours, sessions, c, TRIAL_MS))
        got.folded.push(await inventoryInProcess(database.url, 'folded', ids.folded, c, TRIAL_MS))
        got.perOrder.push(await inventoryInProcess(database.url, 'per-order', ids.perOrder, c, TRIAL_MS))
        got.perOrderVersioned.push(await inventoryInProcess(database.url, 'per-order-versioned', ids.perOrderVersioned, c, TRIAL_MS))
        got.b0.push(await b0(database.url, ids.b0, c, TRIAL_MS))
        got.lock.push(await redisLock(database.url, env.REDIS_URL, ids.lock, c, TRIAL_MS))
        got.naive.push(await naive(database.url, ids.naive, c, TRIAL_MS))
        if (c === CONCURRENCY[0]) serial.push((await b0(database.url, ids.b0, 1, TRIAL_MS)).ordersPerSecond)
      }
      const base = summary(got.b0.map((r) => r.ordersPerSecond)).median
      const contenders = [
        ['ours', 'our checkout over HTTP (session, rate limit, idempotency, gate, folded UPDATE, order + job)'],
        ['folded', 'checkout transaction in-process, folded `stock >= q` UPDATE (order + lines + job)'],
        ['perOrder', 'checkout transaction in-process, one `stock >= q` UPDATE per order (order + lines + job)'],
        ['perOrderVersioned', 'BEFORE issue 12: in-process, one versioned UPDATE per order, conflicts retried (order + lines + job)'],
        ['b0', 'B0 atomic single-row UPDATE (stock only)'],
        ['lock', 'Redis SET NX lock, read, write (stock only)'],
        ['naive', 'naive read-then-write (stock only)'],
      ] as const
      for (const [name, label] of contenders) {
        const s = summary(got[name].map((r) => r.ordersPerSecond))
        const oversold = got[name].reduce((n, r) => n + (r.oversold ?? 0), 0)
        rows.push([String(c), label, `${fmt(s.median)} [${fmt(s.min)}–${fmt(s.max)}]`, `${fmt(s.median / base, 2)}×`, name === 'naive' ? fmt(oversold) : '0'])
      }
    }
    const s = summary(serial)
    console.log(`\n### Hot SKU: orders/s on one product (${ROUNDS} interleaved rounds of ${TRIAL_MS / 1000} s, median [min–max])\n`)
    console.log(markdownTable(['buyers', 'approach', 'orders/s', 'vs B0 at same c', 'oversold units'], rows))
    console.log(`\nB0 from a single client (serial): ${fmt(s.median)} [${fmt(s.min)}–${fmt(s.max)}] updates/s.`)
    console.log(`Our path does strictly more per order (session, rate limit, idempotency record, gate, order + lines + payment job rows); B0 only decrements.\n`)
    console.log(await runPairs({ storeUrl: store.url, plainNextUrl: plainNext.url, databaseUrl: database.url, sessions, metricsToken: secrets.metricsToken }))
    console.log(await runWaitingRoomCost({ storeUrl: store.url, redisUrl: env.REDIS_URL, keyPrefix: world.keyPrefix, productId: ids.room, sessions }))
    console.log(await runApiPairs({ storeUrl: store.url, storePid: store.process.pid!, storeEnv, databaseUrl: database.url, sessions, metricsToken: secrets.metricsToken }))
  } finally {
    await plainNext.stop()
    await store.stop()
    await world.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
