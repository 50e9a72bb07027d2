/**
 * PostgreSQL access, created once per process at module scope:
 *  - `pool`: the one `pg` pool, shared by Prisma's driver adapter and the few hot paths
 *    that run a single raw statement (inventory decrement, sold-out checks);
 *  - `db`: the Prisma client on top of it (Prisma 7 has no Rust query engine).
 * Only `<domain>.repo.ts` files and scripts under prisma/ may import it.
 * Every statement is counted in `metrics.dbQueries`, so tests and the ops dashboard can
 * prove a path never touched the database.
 */
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { env } from '../env'
import { PrismaClient } from '../generated/prisma/client'
import { metrics } from './metrics'

export function createPool(connectionString: string = env.DATABASE_URL, max = env.DATABASE_POOL_SIZE): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 })
  pool.on('connect', (client) => {
    const original = client.query
    client.query = ((...args: unknown[]) => {
      metrics.dbQueries.inc()
      return Reflect.apply(original, client, args)
    }) as typeof client.query
  })
  // An idle client's error (e.g. the server restarting) must not crash the process.
  pool.on('error', () => {})
  return pool
}

export function createPrismaClient(connectionString: string = env.DATABASE_URL, max = env.DATABASE_POOL_SIZE) {
  return new PrismaClient({ adapter: new PrismaPg(createPool(connectionString, max)) })
}

const globalForDb = globalThis as unknown as { __pool?: pg.Pool; __prisma?: PrismaClient }

/** The process's pool; reused across Next dev hot reloads and route bundles. */
export const pool: pg.Pool = (globalForDb.__pool ??= createPool())
export const db: PrismaClient = (globalForDb.__prisma ??= new PrismaClient({ adapter: new PrismaPg(pool) }))

/**
 * Runs `fn` inside BEGIN … COMMIT on one pooled connection, rolling back on any error.
 * Used by the hot paths that speak raw SQL (checkout, stock release).
 */
export async function withTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.release()
  }
}

/** The PostgreSQL error code of `error` (e.g. '23505' unique violation), if it is one. */
export function pgErrorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined
}

export type DbClient = pg.PoolClient
