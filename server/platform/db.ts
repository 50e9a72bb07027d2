/**
 * PostgreSQL access, created once per process at module scope:
 *  - `pool`: the one `pg` pool, shared by Prisma's driver adapter and the few hot paths
 *    that run a single raw statement (inventory decrement, sold-out checks);
 *  - `db`: the Prisma client on top of it (Prisma 7 has no Rust query engine).
 * Only `<domain>.repo.ts` files, platform/transaction.ts and the entry points that own a pool
 * (worker, launcher, prisma scripts, the test harness, benches) may import it: the list and
 * its reasons are in .dependency-cruiser.cjs.
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
