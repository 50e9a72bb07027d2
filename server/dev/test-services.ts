/**
 * Real-service isolation for test runs: a fresh PostgreSQL database per run (created,
 * migrated, optionally seeded) and a unique Redis key prefix, both removed afterwards.
 * Used by the Vitest global setup and the Playwright global setup.
 */
import { randomBytes } from 'node:crypto'
import { Redis as IORedis } from 'ioredis'
import { dropDatabase } from '../../prisma/ensure-database'
import { migrate } from '../../prisma/migrate'
import { seed } from '../../prisma/seed'
import { env, LOCAL_GATEWAY_TOKEN } from '../env'
import { startGateway, type Gateway } from './gateway'
import type { StoreEnv } from './test-store'

export interface TestDatabase {
  url: string
  name: string
  drop(): Promise<void>
}

/** `baseUrl`'s server, a new database named `<label>_<time>_<random>`, migrated. */
export async function createTestDatabase(
  baseUrl: string,
  label: string,
  opts: { seedProducts?: number } = {},
): Promise<TestDatabase> {
  const name = `${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
  const u = new URL(baseUrl)
  u.pathname = `/${name}`
  const url = u.toString()
  await migrate(url)
  if (opts.seedProducts !== undefined) await seed(url, { productCount: opts.seedProducts })
  return { url, name, drop: () => dropDatabase(url) }
}

export function uniqueKeyPrefix(label: string): string {
  return `${label}:${Date.now().toString(36)}${randomBytes(2).toString('hex')}:`
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
 * Everything a test suite or benchmark run needs of its own: a fresh migrated database
 * (optionally seeded), a Redis key prefix, and an Upstash-compatible gateway on a free port
 * in front of the real Redis. One place, so every harness sets up and cleans up alike.
 */
export async function openScratchWorld(label: string, opts: { seedProducts?: number } = {}): Promise<ScratchWorld> {
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
