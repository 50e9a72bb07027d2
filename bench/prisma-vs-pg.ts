/**
 * Prisma `findUnique` against node-postgres running the very SQL Prisma sent (captured from
 * Prisma's own query event), on the same pool size and database, one after the other, in
 * this process: the difference is Prisma 7's client-side work (query compiler on the JS main
 * thread, result mapping). Each side gets its own pg.Pool so neither waits for the other.
 * Prisma batches findUnique calls made in the same tick into one `IN (…)` statement, so
 * under concurrency it may send fewer statements than calls: the statements are counted
 * (from the same query events) and reported beside the rate.
 */
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { PrismaClient } from '../server/generated/prisma/client'

export const POOL_SIZE = 8

export interface ReadTrial {
  opsPerSecond: number
  statementsPerOp: number
}

export interface ReadPair {
  prisma(c: number, ms: number): Promise<ReadTrial>
  pg(c: number, ms: number): Promise<ReadTrial>
  sql: string
  close(): Promise<void>
}

async function opsPerSecond(c: number, ms: number, op: () => Promise<unknown>): Promise<{ ops: number; perSecond: number }> {
  const end = performance.now() + ms
  let n = 0
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (performance.now() < end) {
        await op()
        n++
      }
    }),
  )
  return { ops: n, perSecond: n / (ms / 1000) }
}

export async function startReadPair(databaseUrl: string, ids: number[]): Promise<ReadPair> {
  const prismaPool = new pg.Pool({ connectionString: databaseUrl, max: POOL_SIZE })
  const plainPool = new pg.Pool({ connectionString: databaseUrl, max: POOL_SIZE })
  const prisma = new PrismaClient({ adapter: new PrismaPg(prismaPool), log: [{ emit: 'event', level: 'query' }] })
  let captured: { sql: string; params: unknown[] } | null = null
  let statements = 0
  prisma.$on('query', (e) => {
    statements++
    captured ??= { sql: e.query, params: JSON.parse(e.params) as unknown[] }
  })
  await prisma.product.findUnique({ where: { id: ids[0]! } })
  if (!captured) throw new Error('Prisma emitted no query event')
  const { sql, params } = captured as { sql: string; params: unknown[] }
  // Prisma's parameters are the id and then constants (LIMIT/OFFSET); the id is the one that varies.
  const idIndex = params.findIndex((p) => p === ids[0])
  if (idIndex < 0) throw new Error(`cannot find the id among Prisma's parameters ${JSON.stringify(params)}`)
  let i = 0
  const nextId = () => ids[i++ % ids.length]!
  return {
    sql,
    async prisma(c, ms) {
      const before = statements
      const r = await opsPerSecond(c, ms, () => prisma.product.findUnique({ where: { id: nextId() } }))
      return { opsPerSecond: r.perSecond, statementsPerOp: (statements - before) / Math.max(1, r.ops) }
    },
    async pg(c, ms) {
      const r = await opsPerSecond(c, ms, () => {
        const values = [...params]
        values[idIndex] = nextId()
        return plainPool.query(sql, values)
      })
      return { opsPerSecond: r.perSecond, statementsPerOp: 1 }
    },
    async close() {
      await prisma.$disconnect()
      await prismaPool.end().catch(() => {})
      await plainPool.end()
    },
  }
}
