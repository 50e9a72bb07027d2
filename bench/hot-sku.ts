/**
 * Hot-SKU contenders for `npm run bench`: each sells units of ONE product with `c`
 * concurrent buyers for a fixed time and reports orders/s (and oversells where the
 * approach can oversell). All run against the same PostgreSQL/Redis in the same process.
 *  - ours: checkout.placeOrder over HTTP on a real store (session, rate limit, gate,
 *    folded `stock >= q` UPDATE, order + lines + payment job in one transaction);
 *  - B0: the atomic single-row `UPDATE … SET stock = stock - 1 WHERE id = $1 AND stock >= 1`;
 *  - redis-lock: the classic `SET lock NX PX` → read → write → release, losers retry;
 *  - naive: read stock, then write stock - 1 (no guard) — counts its oversells;
 *  - folded / per-order: the checkout's own stock + order transaction in-process, to
 *    separate the database design from HTTP and Redis costs;
 *  - per-order versioned: the stock step as it was before issue 12 (a version bumped by
 *    every sale, conflicts retried), kept to measure what dropping the version changed.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { Redis as IORedis } from 'ioredis'
import { Pool as HttpPool } from 'undici'
import superjson from 'superjson'
import { indexedClientAddress } from '../testing/test-store'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { childEnv } from '../server/env'
import { TEST_ADDRESS } from '../testing/test-shopper'
import { latencyPercentiles } from './stats'

export interface Result {
  ordersPerSecond: number
  oversold?: number
}

/** `ours` also tells what else its 200s were, and how long answers took. */
export interface CheckoutResult extends Result {
  /** 200 answers that were a place in the waiting room's line (QUEUED), not an order. */
  queued: number
  /** p99 of every answer, ms. */
  p99Ms: number
}

/** Runs `c` concurrent workers for `ms`; returns successes/s. */
async function forDuration(ms: number, c: number, work: () => Promise<boolean>): Promise<number> {
  const end = performance.now() + ms
  let ok = 0
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (performance.now() < end) if (await work()) ok++
    }),
  )
  return ok / (ms / 1000)
}

/** Checkout over HTTP: orders/s counts placed orders only (a QUEUED 200 is a place in line, counted apart). */
export async function ours(storeUrl: string, productId: number, sessions: string[], c: number, ms: number): Promise<CheckoutResult> {
  const http = new HttpPool(storeUrl, { connections: c, pipelining: 1 })
  const latencies: number[] = []
  let queued = 0
  let next = 0
  try {
    const rate = await forDuration(ms, c, async () => {
      const k = next++ % sessions.length
      const cookie = sessions[k]!
      const body = JSON.stringify(
        superjson.serialize({ idempotencyKey: crypto.randomUUID(), ...TEST_ADDRESS, lines: [{ productId, quantity: 1 }] }),
      )
      const started = performance.now()
      const res = await http.request({ path: '/api/trpc/checkout.placeOrder', method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-forwarded-for': indexedClientAddress(k) }, body })
      const text = await res.body.text()
      latencies.push(performance.now() - started)
      if (res.statusCode !== 200) return false
      if (!text.includes('"QUEUED"')) return true
      queued++
      return false
    })
    return { ordersPerSecond: rate, queued, p99Ms: latencyPercentiles(latencies).p99 }
  } finally {
    await http.close()
  }
}

/**
 * PostgreSQL allows 100 connections here (shared with the store and the test suites), so
 * the direct-SQL contenders use at most this many; more buyers queue for a connection,
 * as they would behind any application's pool.
 */
export const MAX_BENCH_CONNECTIONS = 40

function poolFor(databaseUrl: string, c: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: Math.min(c, MAX_BENCH_CONNECTIONS) })
  pool.on('error', () => {})
  return pool
}

export async function b0(databaseUrl: string, productId: number, c: number, ms: number): Promise<Result> {
  const pool = poolFor(databaseUrl, c)
  try {
    const rate = await forDuration(ms, c, async () => {
      const r = await pool.query('UPDATE "Product" SET stock = stock - 1 WHERE id = $1 AND stock >= 1', [productId])
      return r.rowCount === 1
    })
    return { ordersPerSecond: rate }
  } finally {
    await pool.end()
  }
}

export async function naive(databaseUrl: string, productId: number, c: number, ms: number): Promise<Result> {
  const pool = poolFor(databaseUrl, c)
  const [{ stock: initial }] = (await pool.query<{ stock: number }>('SELECT stock FROM "Product" WHERE id = $1', [productId])).rows as [{ stock: number }]
  let sold = 0
  try {
    const rate = await forDuration(ms, c, async () => {
      const { rows } = await pool.query<{ stock: number }>('SELECT stock FROM "Product" WHERE id = $1', [productId])
      if (rows[0]!.stock < 1) return false
      await pool.query('UPDATE "Product" SET stock = $2 WHERE id = $1', [productId, rows[0]!.stock - 1])
      sold++
      return true
    })
    const { rows } = await pool.query<{ stock: number }>('SELECT stock FROM "Product" WHERE id = $1', [productId])
    // Units handed out beyond what actually left the shelf: lost updates = oversold units.
    return { ordersPerSecond: rate, oversold: sold - (initial - rows[0]!.stock) }
  } finally {
    await pool.end()
  }
}

export async function redisLock(databaseUrl: string, redisUrl: string, productId: number, c: number, ms: number): Promise<Result> {
  const pool = poolFor(databaseUrl, c)
  const redis = new IORedis(redisUrl)
  const lockKey = `bench:lock:${productId}:${Date.now()}`
  try {
    const rate = await forDuration(ms, c, async () => {
      const token = crypto.randomUUID()
      if ((await redis.set(lockKey, token, 'PX', 2_000, 'NX')) !== 'OK') {
        // "This product is being purchased, try again": the loser backs off briefly.
        await sleep(2)
        return false
      }
      try {
        const { rows } = await pool.query<{ stock: number }>('SELECT stock FROM "Product" WHERE id = $1', [productId])
        if (rows[0]!.stock < 1) return false
        await pool.query('UPDATE "Product" SET stock = $2 WHERE id = $1', [productId, rows[0]!.stock - 1])
        return true
      } finally {
        await redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0", 1, lockKey, token)
      }
    })
    return { ordersPerSecond: rate }
  } finally {
    redis.disconnect()
    await pool.end()
  }
}

const CONTENDER = fileURLToPath(new URL('./inventory-contender.ts', import.meta.url))

/** The checkout's stock step in-process (no HTTP, no Redis), folded or one UPDATE per order. */
export async function inventoryInProcess(
  databaseUrl: string,
  mode: 'folded' | 'per-order' | 'per-order-versioned',
  productId: number,
  c: number,
  ms: number,
): Promise<Result> {
  const child = spawn(process.execPath, ['--import', 'tsx', CONTENDER, mode, String(productId), String(c), String(ms)], {
    env: childEnv({ DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '10', LOG_LEVEL: 'error' }),
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  const code = await new Promise<number | null>((r) => child.on('exit', r))
  if (code !== 0) throw new Error(`inventory contender ${mode} exited ${code}`)
  return JSON.parse(out.trim().split('\n').pop()!) as Result
}
