/**
 * Zero-downtime restarts: the fleet `npm run fleet` runs (startFleet: the edge, 2 web, 2 API,
 * 1 worker, a private primary with its streaming replica) under a steady open stream of page
 * GETs and buyers (testing/edge-load.ts) through the edge, while every web and API process is
 * restarted one at a time (SIGTERM, exit, a new process on the same port, healthy again at
 * the edge's probe).
 *
 * Asserted, as a shopper and an operator would see it:
 *  - 0 failed requests: every answer is a 2xx, or SOLD_OUT for a checkout (the doorbuster's
 *    stock runs out on purpose); no 5xx (the edge's 503 included), no 429, no connection error;
 *  - 0 lost orders: every 2xx checkout has exactly one order in PostgreSQL, and no other orders
 *    exist; for each product, initial stock = stock now + units sold.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../prisma/migrate'
import { seed } from '../../prisma/seed'
import { env } from '../env'
import { startEdgeLoad } from '../../testing/edge-load'
import { uniqueKeyPrefix } from '../../testing/test-services'
import { currentStoreEnv, ensureTestBuild, TEST_DIST_DIR } from '../../testing/test-store'
import { startFleet, type RunningFleet } from './start-fleet'

/** Products in the fleet's catalog (pages need a few; the checks need two). */
const SEED_PRODUCTS = 200
/** The doorbuster sells out during the test; the other product never does. */
const DOORBUSTER_STOCK = 40
const PLENTY_STOCK = 100_000
/** Load: page GETs and buyers started per second, whatever the fleet is doing. */
const PAGES_PER_SECOND = 8
const BUYERS_PER_SECOND = 3
/** Load before the first and after the last restart, so both edges of the roll are under traffic. */
const STEADY_MS = 3_000
/** The whole test: fleet start, four restarts, checks. */
const TEST_DEADLINE_MS = 300_000

let fleet: RunningFleet
let pool: pg.Pool
let doorbuster: number
let plenty: number
const keyPrefix = uniqueKeyPrefix('rolling')

beforeAll(async () => {
  const storeEnv = currentStoreEnv()
  await ensureTestBuild(storeEnv)
  fleet = await startFleet({
    web: 2,
    api: 2,
    workers: 1,
    port: 0,
    host: '127.0.0.1',
    replica: true,
    env: {
      ...storeEnv.extra,
      REDIS_KEY_PREFIX: keyPrefix,
      GATEWAY_PORT: String(env.GATEWAY_PORT),
      UPSTASH_REDIS_REST_URL: undefined,
      UPSTASH_REDIS_REST_TOKEN: undefined,
      NEXT_DIST_DIR: TEST_DIST_DIR,
      LOG_LEVEL: 'warn',
    },
    async prepare({ databaseUrl }) {
      await migrate(databaseUrl)
      await seed(databaseUrl, { productCount: SEED_PRODUCTS })
      const client = new pg.Client({ connectionString: databaseUrl })
      await client.connect()
      try {
        const rows = (await client.query<{ id: number }>('SELECT id FROM "Product" ORDER BY id LIMIT 2')).rows
        ;[doorbuster, plenty] = [rows[0]!.id, rows[1]!.id]
        await client.query('UPDATE "Product" SET stock = $2 WHERE id = $1', [doorbuster, DOORBUSTER_STOCK])
        await client.query('UPDATE "Product" SET stock = $2 WHERE id = $1', [plenty, PLENTY_STOCK])
      } finally {
        await client.end()
      }
    },
  })
  pool = new pg.Pool({ connectionString: fleet.databaseUrl, max: 2 })
}, TEST_DEADLINE_MS)

afterAll(async () => {
  await pool?.end()
  await fleet?.stop()
})

describe('rolling restart of every web and API process under load through the edge', () => {
  it(
    'answers every request and loses no order',
    async () => {
      const slugs = (await pool.query<{ slug: string }>('SELECT slug FROM "Product" ORDER BY id LIMIT 50')).rows.map((r) => r.slug)
      const load = startEdgeLoad({
        edgeUrl: fleet.edgeUrl,
        pagesPerSecond: PAGES_PER_SECOND,
        buyersPerSecond: BUYERS_PER_SECOND,
        slugs,
        productIds: [doorbuster, plenty],
      })
      await new Promise((r) => setTimeout(r, STEADY_MS))
      const restarted: string[] = []
      for (const member of fleet.members().filter((m) => m.role === 'web' || m.role === 'api')) {
        const next = await fleet.restart(member)
        expect(next.pid).not.toBe(member.pid)
        expect(await fleet.edgeHealthy(next)).toBe(true)
        restarted.push(`${member.backend} pid ${member.pid} → ${next.pid}`)
      }
      await new Promise((r) => setTimeout(r, STEADY_MS))
      const result = await load.stop()
      console.log(`rolling restart: ${restarted.join(', ')}; ${result.requests} requests`, result.statuses)

      expect(restarted).toHaveLength(4)
      expect(result.failures).toEqual([])
      expect(result.placed.length).toBeGreaterThan(0)

      // Every 2xx checkout is exactly one order, and there are no others.
      const ids = result.placed.map((p) => p.orderId)
      const found = await pool.query<{ id: string }>('SELECT id FROM "Order" WHERE id = ANY($1::uuid[])', [ids])
      expect(found.rows.length).toBe(ids.length)
      const all = await pool.query<{ n: string }>('SELECT count(*) AS n FROM "Order"')
      expect(Number(all.rows[0]!.n)).toBe(ids.length)

      // Conservation: what was in stock is in stock now or sold (released failed orders count as back in stock).
      const rows = await pool.query<{ id: number; stock: number; sold: string }>(
        `SELECT p.id, p.stock,
                COALESCE(SUM(l.quantity) FILTER (WHERE o."stockReleasedAt" IS NULL), 0) AS sold
           FROM "Product" p
           LEFT JOIN "OrderLine" l ON l."productId" = p.id
           LEFT JOIN "Order" o ON o.id = l."orderId"
          WHERE p.id = ANY($1::int[])
          GROUP BY p.id, p.stock`,
        [[doorbuster, plenty]],
      )
      const byId = new Map(rows.rows.map((r) => [r.id, r.stock + Number(r.sold)]))
      expect(byId.get(doorbuster)).toBe(DOORBUSTER_STOCK)
      expect(byId.get(plenty)).toBe(PLENTY_STOCK)
    },
    TEST_DEADLINE_MS,
  )
})
