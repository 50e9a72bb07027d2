/**
 * `npx tsx bench/embedded-db.ts`: the numbers behind docs/decision-embedded.md.
 *
 * Three ways for the app's `pg` code to reach a database, same schema (migrated) and seed
 * (1,000 products), same statements:
 *  - in-process: PGlite inside this process, through PGlite's node-postgres connection
 *    (`@electric-sql/pglite/node-postgres`, one connection: PGlite has one session);
 *  - socket: PGlite served by pglite-socket on a loopback port, a normal `pg.Pool` (max 8);
 *  - postgres: the machine's PostgreSQL (a throwaway database), for reference.
 * Workloads: a product read by id (what a cache miss costs), and checkout's shape of
 * transaction (BEGIN, guarded stock UPDATE … RETURNING, INSERT, COMMIT), each from one
 * client in sequence and from 8 at once. Plus the embedded database's start-up costs.
 * One run, printed as markdown; numbers swing with the other work on the machine.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { createPgConfig } from '@electric-sql/pglite/node-postgres'
import pg from 'pg'
import { migrate } from '../prisma/migrate'
import { seed } from '../prisma/seed'
import { env } from '../server/env'
import { startEmbeddedPostgres } from '../server/launcher/embedded-postgres'
import { createTestDatabase } from '../testing/test-services'

const PRODUCTS = 1_000
const READS = 2_000
const TRANSACTIONS = 600
const CONCURRENCY = 8

interface Figures {
  readSeq: number
  readConc: number
  readP99: number
  txSeq: number
  txConc: number
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN
}

async function timed(n: number, workers: number, op: (i: number) => Promise<void>): Promise<{ perSecond: number; latencies: number[] }> {
  const latencies: number[] = []
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < n) {
        const i = next++
        const t = performance.now()
        await op(i)
        latencies.push(performance.now() - t)
      }
    }),
  )
  return { perSecond: (n / (performance.now() - started)) * 1000, latencies: latencies.sort((a, b) => a - b) }
}

async function measure(pool: pg.Pool): Promise<Figures> {
  // An idle client's error (a server closing) must not end the run before its clean-up.
  pool.on('error', () => {})
  await pool.query('CREATE TABLE IF NOT EXISTS bench_order (id serial PRIMARY KEY, product int NOT NULL, qty int NOT NULL)')
  const read = (i: number) => pool.query('SELECT id, name, "priceCents", stock, "contentVersion" FROM "Product" WHERE id = $1', [(i % PRODUCTS) + 1]).then(() => {})
  const tx = async (i: number) => {
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      const id = (i % PRODUCTS) + 1
      await client.query('UPDATE "Product" SET stock = stock + 1 WHERE id = $1 AND stock >= 0 RETURNING stock, "restockSeq"', [id])
      await client.query('INSERT INTO bench_order (product, qty) VALUES ($1, 1)', [id])
      await client.query('COMMIT')
    } finally {
      client.release()
    }
  }
  await timed(200, 1, read) // warm-up
  const readSeq = await timed(READS, 1, read)
  const readConc = await timed(READS, CONCURRENCY, read)
  const txSeq = await timed(TRANSACTIONS, 1, tx)
  const txConc = await timed(TRANSACTIONS, CONCURRENCY, tx)
  return {
    readSeq: readSeq.perSecond,
    readConc: readConc.perSecond,
    readP99: percentile(readSeq.latencies, 99),
    txSeq: txSeq.perSecond,
    txConc: txConc.perSecond,
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sf-bench-embedded-'))
  const rows: Array<[string, Figures]> = []
  try {
    // Start-up costs of the embedded database (socket route, as npm start runs it).
    let t = performance.now()
    const socket = await startEmbeddedPostgres({ dataDir: join(dir, 'socket') })
    const createMs = performance.now() - t
    t = performance.now()
    await migrate(socket.url)
    const migrateMs = performance.now() - t
    t = performance.now()
    await seed(socket.url, { productCount: 5_000 })
    const seed5000Ms = performance.now() - t
    await socket.close()
    t = performance.now()
    const reopened = await startEmbeddedPostgres({ dataDir: join(dir, 'socket') })
    const reopenMs = performance.now() - t
    const socketPool = new pg.Pool({ connectionString: reopened.url, max: CONCURRENCY })
    rows.push(['socket (pglite-socket, pg.Pool max 8)', await measure(socketPool)])
    await socketPool.end()
    await reopened.close()

    // In process: PGlite's own node-postgres connection; migrate and seed go through a temporary socket first.
    const inDir = join(dir, 'in-process')
    const seeding = await startEmbeddedPostgres({ dataDir: inDir })
    await migrate(seeding.url)
    await seed(seeding.url, { productCount: PRODUCTS })
    await seeding.close()
    const pglite = await PGlite.create(inDir)
    const inPool = new pg.Pool({ ...createPgConfig(pglite), max: 1 })
    rows.push(['in-process (PGlite node-postgres, 1 connection)', await measure(inPool)])
    await inPool.end()
    await pglite.close()

    const reference = await createTestDatabase(env.DATABASE_URL, 'sf_bench_embedded', { seedProducts: PRODUCTS })
    const pgPool = new pg.Pool({ connectionString: reference.url, max: CONCURRENCY })
    try {
      rows.push(['PostgreSQL 15 server (reference)', await measure(pgPool)])
    } finally {
      await pgPool.end()
      await reference.drop()
    }

    console.log(`\nStart-up (socket route): new folder ${Math.round(createMs)} ms, migrate ${Math.round(migrateMs)} ms, seed 5,000 products ${Math.round(seed5000Ms)} ms, reopen ${Math.round(reopenMs)} ms\n`)
    console.log('| route | reads/s, 1 client | reads/s, 8 clients | read p99 ms, 1 client | checkout-shaped tx/s, 1 client | tx/s, 8 clients |')
    console.log('| --- | --- | --- | --- | --- | --- |')
    for (const [name, f] of rows) {
      console.log(`| ${name} | ${Math.round(f.readSeq)} | ${Math.round(f.readConc)} | ${f.readP99.toFixed(2)} | ${Math.round(f.txSeq)} | ${Math.round(f.txConc)} |`)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
