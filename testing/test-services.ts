/**
 * Real-service isolation for test runs: a fresh PostgreSQL database per run (created,
 * migrated, optionally seeded) and a unique Redis key prefix, both removed afterwards.
 * Used by the Vitest and Playwright global setups, the drill and the benches.
 *
 * Nothing here depends on state another command leaves behind: databases are created on
 * DATABASE_URL's *server* (its own database need not exist; server-level work goes through
 * the maintenance database), and key prefixes nest under REDIS_KEY_PREFIX, so a CI run that
 * sets its own prefix owns every key its suites write.
 */
import { randomBytes } from 'node:crypto'
import { Redis as IORedis } from 'ioredis'
import { dropDatabase, withDatabase, withMaintenanceClient } from '../prisma/ensure-database'
import { migrate } from '../prisma/migrate'
import { seed } from '../prisma/seed'
import { env, LOCAL_GATEWAY_TOKEN } from '../server/env'
import { startGateway, type Gateway } from '../server/gateway/gateway'
import type { StoreEnv } from './test-store'

export interface TestDatabase {
  url: string
  name: string
  drop(): Promise<void>
}

/** A scratch database left this long by an interrupted run is dropped by the next run with its label. */
export const STALE_SCRATCH_DATABASE_MS = 60 * 60_000

/** `<label>_<creation time, base 36>_<6 hex>`: the name carries its age. */
const scratchName = (label: string, now: number) => `${label}_${now.toString(36)}_${randomBytes(3).toString('hex')}`

/** `baseUrl`'s server, a new database named `<label>_<time>_<random>`, migrated (its own database need not exist). */
export async function createTestDatabase(
  baseUrl: string,
  label: string,
  opts: { seedProducts?: number } = {},
): Promise<TestDatabase> {
  const url = withDatabase(baseUrl, scratchName(label, Date.now()))
  const name = new URL(url).pathname.slice(1)
  await migrate(url)
  if (opts.seedProducts !== undefined) await seed(url, { productCount: opts.seedProducts })
  return { url, name, drop: () => dropDatabase(url) }
}

/**
 * Drops the scratch databases labelled `label` on `baseUrl`'s server that are older than
 * STALE_SCRATCH_DATABASE_MS (left by a run that was killed before its clean-up); returns their
 * names. Younger ones may belong to a run still going, and are kept.
 */
export async function dropStaleScratchDatabases(baseUrl: string, label: string, now = Date.now()): Promise<string[]> {
  const names = await withMaintenanceClient(baseUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 || '\\_%'`,
      [label.replaceAll('_', '\\_')],
    )
    return rows.map((r) => r.datname)
  })
  const pattern = new RegExp(`^${label}_([0-9a-z]+)_[0-9a-f]{6}$`)
  const stale = names.filter((name) => {
    const match = pattern.exec(name)
    return match !== null && now - parseInt(match[1]!, 36) > STALE_SCRATCH_DATABASE_MS
  })
  for (const name of stale) await dropDatabase(withDatabase(baseUrl, name))
  return stale
}

/**
 * A key prefix no other run uses: `<base><label>:<time><random>:`, nested under `base`
 * (REDIS_KEY_PREFIX by default), so whoever owns `base` owns these keys too.
 */
export function uniqueKeyPrefix(label: string, base: string = env.REDIS_KEY_PREFIX): string {
  return `${base}${label}:${Date.now().toString(36)}${randomBytes(2).toString('hex')}:`
}

/** Deletes every Redis key under `prefix` (SCAN, never KEYS). */
export async function deleteKeysWithPrefix(redisUrl: string, prefix: string): Promise<number> {
  const client = new IORedis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  await client.connect()
  let deleted = 0
  try {
    let cursor = '0'
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length) deleted += await client.unlink(...keys)
    } while (cursor !== '0')
  } finally {
    client.disconnect()
  }
  return deleted
}

export interface ScratchWorld {
  database: TestDatabase
  keyPrefix: string
  gateway: Gateway
  /** This world's store environment, for `startStore` / `ensureTestBuild` (secrets via `extra`). */
  storeEnv(extra?: Record<string, string | undefined>): StoreEnv
  /** Stops the gateway, deletes the world's Redis keys and drops its database. */
  close(): Promise<void>
}

/**
 * Runs `setup` on `world` and returns what it returns. When it throws (a failed test build, a
 * store that did not start), closes the world first: a failed run leaves no database, Redis keys
 * or gateway behind. A failure to close is printed, and the setup's own error is thrown.
 */
export async function setUpIn<T>(world: ScratchWorld, setup: () => Promise<T>): Promise<T> {
  try {
    return await setup()
  } catch (error) {
    await world.close().catch((closeError: unknown) => console.error('could not close the scratch world after a failed setup:', closeError))
    throw error
  }
}

/**
 * Everything a test suite or benchmark run needs of its own: a fresh migrated database
 * (optionally seeded), a Redis key prefix, and an Upstash-compatible gateway on a free port
 * in front of the real Redis. One place, so every harness sets up and cleans up alike.
 */
export async function openScratchWorld(label: string, opts: { seedProducts?: number } = {}): Promise<ScratchWorld> {
  await dropStaleScratchDatabases(env.DATABASE_URL, `sf_${label}`)
  const database = await createTestDatabase(env.DATABASE_URL, `sf_${label}`, opts)
  const keyPrefix = uniqueKeyPrefix(label)
  const gateway = await startGateway({ port: 0, redisUrl: env.REDIS_URL, token: LOCAL_GATEWAY_TOKEN })
  return {
    database,
    keyPrefix,
    gateway,
    storeEnv: (extra = {}) => ({ databaseUrl: database.url, keyPrefix, gatewayPort: gateway.port, extra }),
    async close() {
      await gateway.close()
      await deleteKeysWithPrefix(env.REDIS_URL, keyPrefix)
      await database.drop()
    },
  }
}
