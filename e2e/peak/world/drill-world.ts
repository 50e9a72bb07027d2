/**
 * Everything one drill runs against, started fresh and torn down afterwards:
 *
 *   load generator ─┐
 *   Chromium ───────┼─► next start (production build) ─► PostgreSQL (a fresh, seeded database)
 *                   │        └─► gateway ─► (TCP proxy, --faults) ─► redis-server (the drill's own)
 *   payment worker ─┴──────────────┘ (same database, same gateway)
 *
 * The drill owns its Redis (a free port), so the fault drill can restart it without touching
 * the machine's shared Redis; with `--faults` a TCP proxy in front of it slows it down on cue.
 * Without faults there is no proxy: it runs in this (Playwright) process, which also drives the
 * browsers, and every Redis call of the store would wait for this process's turn on the CPU
 * (2026-12-01: with three browsers the quick drill's product p99 went from 0.5 s to 12 s).
 *
 * With `--fleet` the store is the fleet `npm run fleet` runs (server/launcher/start-fleet.ts):
 *
 *   load generator (one loopback address per client) ─┐
 *   Chromium (127.0.0.1) ─────────────────────────────┼─► edge ─► 2 web ─┐
 *                                                     │       └─► 2 API ─┼─► primary ─► replica
 *   payment worker (the fleet's) ─────────────────────┴──────────────────┴─► gateway ─► (proxy) ─► redis
 *
 * and the primary/replica pair is the fleet's own private one (or, with `--no-replica`, a
 * fresh database on the machine's PostgreSQL).
 */
import pg from 'pg'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { env, childEnv } from '../../../server/env'
import { testSecrets } from '../../../server/launcher/local-secrets'
import { DEFAULT_PRODUCT_COUNT } from '../../../prisma/seed-data'
import { createTestDatabase, dropStaleScratchDatabases, uniqueKeyPrefix, type TestDatabase } from '../../../testing/test-services'
import { BEHIND_LOCAL_EDGE, ensureTestBuild, startStore, TEST_DIST_DIR, type RunningStore, type StoreEnv } from '../../../testing/test-store'
import { spawnWorker, type WorkerProcess } from '../../../server/launcher/worker-process'
import { startFleet, type RunningFleet } from '../../../server/launcher/start-fleet'
import { migrate } from '../../../prisma/migrate'
import { seed } from '../../../prisma/seed'
import type { DrillOptions } from '../drill-options'
import { startGatewayProcess } from './gateway-process'
import { startOwnRedis, type OwnRedis } from './own-redis'
import { startTcpProxy, type TcpProxy } from '../../../testing/tcp-proxy'

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

/** PostgreSQL settings of the fleet's private pair: room for 2 web + 2 API pools, the worker, the drill. */
export const FLEET_PAIR_SETTINGS = { max_connections: 200 } as const

export interface DrillWorld {
  /** Where shoppers come in: the store, or the fleet's edge. */
  storeUrl: string
  /** With `--fleet`: the running fleet (members, edge, replica). */
  fleet: RunningFleet | null
  /** The store's Redis key prefix (the fleet figures read its ops snapshots). */
  keyPrefix: string
  databaseUrl: string
  metricsToken: string
  /** The /ops password of this store (the drill's admin logs in with it). */
  adminPassword: string
  redis: OwnRedis
  /** The TCP proxy in front of the drill's Redis (latency on cue); only with --faults. */
  proxy: TcpProxy | null
  /** SIGKILL the payment worker (with --fleet: the fleet's first); the crash case; resolves when it is gone. */
  killWorker(): Promise<void>
  /** Starts a new worker in its place; resolves when it reports ready. */
  startWorker(): Promise<void>
  /** A pg pool on the drill database for samplers and checks (2 connections). */
  pool: pg.Pool
  /** Settings the report records. */
  settings: Record<string, string | number>
  stop(opts: { keepDatabase: boolean }): Promise<void>
}

const PREWARM_CLI = fileURLToPath(new URL('../../../server/catalog/prewarm-cli.ts', import.meta.url))

/** Pre-warms the data and the pages of each of `storeUrls` (a fleet: its edge and every web process). */
async function prewarm(storeUrls: string[], appEnv: Record<string, string | undefined>): Promise<void> {
  const urls = storeUrls.flatMap((url) => ['--url', url])
  const child = spawn(process.execPath, ['--import', 'tsx', PREWARM_CLI, '--top', String(PREWARM_TOP), ...urls], {
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
    const openPool = async (url: string): Promise<pg.Pool> => {
      const pool = new pg.Pool({ connectionString: url, max: 2 })
      pool.on('error', () => {})
      cleanups.push(() => pool.end())
      await beforeStore(pool)
      return pool
    }
    // With a replica the database lives on the fleet's private pair, made when the fleet starts.
    const onMachine = !(o.fleet && o.replica)
    const database: TestDatabase | null = onMachine
      ? await createTestDatabase(env.DATABASE_URL, DRILL_DB_LABEL, { seedProducts: DEFAULT_PRODUCT_COUNT })
      : null
    if (database && !o.keepDatabase) cleanups.push(() => database.drop())
    if (database) log(`database ${database.name} (${DEFAULT_PRODUCT_COUNT} products)`)
    let pool = database ? await openPool(database.url) : null

    const redis = await startOwnRedis()
    cleanups.push(() => redis.stop())
    const proxy = o.faults ? await startTcpProxy(redis.port) : null
    if (proxy) cleanups.push(() => proxy.close())
    const gateway = await startGatewayProcess(`redis://127.0.0.1:${proxy?.port ?? redis.port}`)
    cleanups.push(() => gateway.stop())
    log(`redis-server :${redis.port} ← ${proxy ? `proxy :${proxy.port} ← ` : ''}gateway :${gateway.port}`)

    const secrets = await testSecrets()
    const keyPrefix = uniqueKeyPrefix('drill')
    // One store: the load generator plays our edge (per-shopper X-Forwarded-For), so the store trusts 127.0.0.1.
    const storeEnv: StoreEnv = { databaseUrl: database?.url ?? '', keyPrefix, gatewayPort: gateway.port, extra: { ...secrets.env, ...BEHIND_LOCAL_EDGE, LOG_LEVEL: 'error' } }
    const sharedEnv = {
      REDIS_KEY_PREFIX: keyPrefix,
      GATEWAY_PORT: String(gateway.port),
      UPSTASH_REDIS_REST_URL: undefined,
      UPSTASH_REDIS_REST_TOKEN: undefined,
      ...secrets.env,
      LOG_LEVEL: 'error',
    }
    // The build reads the catalog (static params), so it needs a migrated, seeded database: the
    // drill's own, or — with a replica — the fleet's primary, built in `prepare` once it is seeded.
    const build = async (databaseUrl: string): Promise<void> => {
      if ((await ensureTestBuild({ ...storeEnv, databaseUrl })) === 'built') log('built .next-test')
    }
    if (database) await build(database.url)
    const workerSettings = { ...DRILL_WORKER_ENV, WORKER_CONCURRENCY: String(o.workerConcurrency), LOG_LEVEL: 'warn' }

    let storeUrl: string
    let databaseUrl: string
    let fleet: RunningFleet | null = null
    let worker: WorkerProcess | null = null
    let workerEnv: Record<string, string | undefined> = {}
    if (o.fleet) {
      const started = await startFleet({
        ...o.fleetShape,
        port: o.port === 'auto' ? 0 : o.port,
        host: '127.0.0.1',
        databaseUrl: database?.url,
        replica: o.replica ? { settings: FLEET_PAIR_SETTINGS } : false,
        env: { ...sharedEnv, NEXT_DIST_DIR: TEST_DIST_DIR },
        workerEnv: workerSettings,
        report: (line) => log(line),
        async prepare({ databaseUrl: primary }) {
          if (database) return
          await migrate(primary)
          await seed(primary, { productCount: DEFAULT_PRODUCT_COUNT })
          pool = await openPool(primary)
          await build(primary)
        },
      })
      fleet = started
      cleanups.push(() => started.stop())
      storeUrl = started.edgeUrl
      databaseUrl = started.databaseUrl
      for (const m of started.members()) log(`fleet ${m.role.padEnd(8)} ${m.where}${m.pid ? ` (pid ${m.pid})` : ''}`)
    } else {
      databaseUrl = database!.url
      const store: RunningStore = await startStore(o.port, { ...storeEnv, databaseUrl })
      cleanups.push(() => store.stop())
      storeUrl = store.url
      log(`store ${store.url}`)
      workerEnv = { DATABASE_URL: databaseUrl, ...sharedEnv, ...workerSettings }
      const first = spawnWorker(workerEnv)
      worker = first
      cleanups.push(() => (worker ?? first).stop())
      await first.ready
    }
    if (!pool) throw new Error('the drill database was not prepared')
    const drillPool: pg.Pool = pool
    const appEnv = { DATABASE_URL: databaseUrl, ...sharedEnv }

    const webUrls = fleet ? fleet.members().filter((m) => m.role === 'web').map((m) => m.where) : []
    await prewarm([storeUrl, ...webUrls], appEnv)
    log(`pre-warmed the top ${PREWARM_TOP} products, categories and hot deals`)
    const oneWorker = (): WorkerProcess => {
      if (!worker) throw new Error('the drill started no worker of its own')
      return worker
    }

    return {
      storeUrl,
      fleet,
      keyPrefix,
      databaseUrl,
      metricsToken: secrets.metricsToken,
      adminPassword: secrets.adminPassword,
      redis,
      proxy,
      pool: drillPool,
      killWorker: () => (fleet ? fleet.killWorker(0) : oneWorker().kill()),
      async startWorker() {
        if (fleet) return fleet.replaceWorker(0)
        oneWorker()
        const next = spawnWorker(workerEnv)
        worker = next
        await next.ready
      },
      settings: {
        database: database?.name ?? "storefront on the fleet's private primary",
        ...(fleet && { fleet: `edge, ${o.fleetShape.web} web, ${o.fleetShape.api} API, ${o.fleetShape.workers} worker${o.replica ? ', primary + streaming replica' : ', one database'}` }),
        storePoolSize: env.DATABASE_POOL_SIZE,
        workerConcurrency: o.workerConcurrency,
        workerJobLeaseMs: Number(DRILL_WORKER_ENV.WORKER_JOB_LEASE_MS),
        sweeperIntervalMs: Number(DRILL_WORKER_ENV.SWEEPER_INTERVAL_MS),
        paymentRetryMaxMs: Number(DRILL_WORKER_ENV.PAYMENT_RETRY_MAX_MS),
        prewarmTop: PREWARM_TOP,
        redisPort: redis.port,
      },
      async stop({ keepDatabase }) {
        if (keepDatabase) log(database ? `kept database ${database.url}` : 'the fleet\'s private pair is removed with the fleet (--keep-db keeps only a database on the machine)')
        await undo()
      },
    }
  } catch (error) {
    await undo()
    throw error
  }
}
