/**
 * Everything one drill runs against, started fresh and torn down afterwards:
 *
 *   load generator ─┐
 *   Chromium ───────┼─► next start (production build) ─► PostgreSQL (a fresh, seeded database)
 *                   │        └─► gateway ─► TCP proxy ─► redis-server (the drill's own)
 *   payment worker ─┴──────────────┘ (same database, same gateway)
 *
 * The drill owns its Redis (a free port) and the proxy in front of it, so the fault drill can
 * restart it and slow it down without touching the machine's shared Redis.
 */
import pg from 'pg'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { env, childEnv } from '../../../server/env'
import { testSecrets } from '../../../server/launcher/local-secrets'
import { DEFAULT_PRODUCT_COUNT } from '../../../prisma/seed-data'
import { createTestDatabase, dropStaleScratchDatabases, uniqueKeyPrefix, type TestDatabase } from '../../../testing/test-services'
import { BEHIND_LOCAL_EDGE, ensureTestBuild, startStore, type RunningStore, type StoreEnv } from '../../../testing/test-store'
import { spawnWorker, type WorkerProcess } from '../../../server/launcher/worker-process'
import type { DrillOptions } from '../drill-options'
import { startGatewayProcess } from './gateway-process'
import { startOwnRedis, type OwnRedis } from './own-redis'
import { startTcpProxy, type TcpProxy } from './tcp-proxy'

/** Label of the drill's scratch databases (an interrupted drill's is dropped by the next one). */
export const DRILL_DB_LABEL = 'sf_drill'

/** Products whose pages are pre-warmed, as ops would before a sale. */
export const PREWARM_TOP = 200

/**
 * Worker settings for the drill: a dead worker's jobs are unlocked after 15 s (not 2 min) and
 * retries back off at most 4 s, so the queue can drain within the drill; everything else is
 * the product's defaults (provider p50 80 ms / p99 1.5 s, 2 % transient errors, 3 % declines).
 */
export const DRILL_WORKER_ENV = {
  WORKER_JOB_LEASE_MS: '15000',
  SWEEPER_INTERVAL_MS: '2000',
  PAYMENT_RETRY_MAX_MS: '4000',
} as const

export interface DrillWorld {
  storeUrl: string
  databaseUrl: string
  metricsToken: string
  /** The /ops password of this store (the drill's admin logs in with it). */
  adminPassword: string
  redis: OwnRedis
  proxy: TcpProxy
  /** The current payment worker process. */
  worker(): WorkerProcess
  /** SIGKILL the worker (the crash case); resolves when it is gone. */
  killWorker(): Promise<void>
  /** Starts a new worker; resolves when it reports ready. */
  startWorker(): Promise<void>
  /** A pg pool on the drill database for samplers and checks (2 connections). */
  pool: pg.Pool
  /** Settings the report records. */
  settings: Record<string, string | number>
  stop(opts: { keepDatabase: boolean }): Promise<void>
}

const PREWARM_CLI = fileURLToPath(new URL('../../../server/catalog/prewarm-cli.ts', import.meta.url))

async function prewarm(storeUrl: string, appEnv: Record<string, string | undefined>): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', PREWARM_CLI, '--top', String(PREWARM_TOP), '--url', storeUrl], {
    env: childEnv(appEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const code = await new Promise<number | null>((r) => child.on('exit', r))
  if (code !== 0) throw new Error(`prewarm failed (${code}):\n${output.slice(-2_000)}`)
}

/**
 * `beforeStore` runs on the fresh database before the store starts (so nothing is cached yet);
 * the drill sets the doorbuster's stock there.
 */
export async function startDrillWorld(
  o: DrillOptions,
  log: (line: string) => void,
  beforeStore: (pool: pg.Pool) => Promise<void>,
): Promise<DrillWorld> {
  const cleanups: Array<() => Promise<unknown>> = []
  const undo = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => {})
  }
  try {
    const stale = await dropStaleScratchDatabases(env.DATABASE_URL, DRILL_DB_LABEL)
    if (stale.length) log(`dropped ${stale.length} drill database(s) left behind by interrupted runs`)
    const database: TestDatabase = await createTestDatabase(env.DATABASE_URL, DRILL_DB_LABEL, { seedProducts: DEFAULT_PRODUCT_COUNT })
    if (!o.keepDatabase) cleanups.push(() => database.drop())
    log(`database ${database.name} (${DEFAULT_PRODUCT_COUNT} products)`)
    const pool = new pg.Pool({ connectionString: database.url, max: 2 })
    pool.on('error', () => {})
    cleanups.push(() => pool.end())
    await beforeStore(pool)

    const redis = await startOwnRedis()
    cleanups.push(() => redis.stop())
    const proxy = await startTcpProxy(redis.port)
    cleanups.push(() => proxy.close())
    const gateway = await startGatewayProcess(`redis://127.0.0.1:${proxy.port}`)
    cleanups.push(() => gateway.stop())
    log(`redis-server :${redis.port} ← proxy :${proxy.port} ← gateway :${gateway.port}`)

    const secrets = await testSecrets()
    const keyPrefix = uniqueKeyPrefix('drill')
    // The load generator plays our edge (per-shopper X-Forwarded-For), so the store trusts 127.0.0.1.
    const storeEnv: StoreEnv = { databaseUrl: database.url, keyPrefix, gatewayPort: gateway.port, extra: { ...secrets.env, ...BEHIND_LOCAL_EDGE, LOG_LEVEL: 'error' } }
    const appEnv = {
      DATABASE_URL: database.url,
      REDIS_KEY_PREFIX: keyPrefix,
      GATEWAY_PORT: String(gateway.port),
      UPSTASH_REDIS_REST_URL: undefined,
      UPSTASH_REDIS_REST_TOKEN: undefined,
      ...secrets.env,
      LOG_LEVEL: 'error',
    }
    if ((await ensureTestBuild(storeEnv)) === 'built') log('built .next-test')
    const store: RunningStore = await startStore(o.port, storeEnv)
    cleanups.push(() => store.stop())
    log(`store ${store.url}`)

    const workerEnv = { ...appEnv, ...DRILL_WORKER_ENV, WORKER_CONCURRENCY: String(o.workerConcurrency), LOG_LEVEL: 'warn' }
    let worker = spawnWorker(workerEnv)
    cleanups.push(() => worker.stop())
    await worker.ready

    await prewarm(store.url, appEnv)
    log(`pre-warmed the top ${PREWARM_TOP} products, categories and hot deals`)

    return {
      storeUrl: store.url,
      databaseUrl: database.url,
      metricsToken: secrets.metricsToken,
      adminPassword: secrets.adminPassword,
      redis,
      proxy,
      pool,
      worker: () => worker,
      killWorker: () => worker.kill(),
      async startWorker() {
        worker = spawnWorker(workerEnv)
        await worker.ready
      },
      settings: {
        database: database.name,
        storePoolSize: env.DATABASE_POOL_SIZE,
        workerConcurrency: o.workerConcurrency,
        workerJobLeaseMs: Number(DRILL_WORKER_ENV.WORKER_JOB_LEASE_MS),
        sweeperIntervalMs: Number(DRILL_WORKER_ENV.SWEEPER_INTERVAL_MS),
        paymentRetryMaxMs: Number(DRILL_WORKER_ENV.PAYMENT_RETRY_MAX_MS),
        prewarmTop: PREWARM_TOP,
        redisPort: redis.port,
      },
      async stop({ keepDatabase }) {
        if (keepDatabase) log(`kept database ${database.url}`)
        await undo()
      },
    }
  } catch (error) {
    await undo()
    throw error
  }
}
