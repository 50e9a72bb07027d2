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
