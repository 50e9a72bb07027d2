/**
 * The pieces `npm start` relies on when no PostgreSQL or Redis answers: the probes that
 * decide it, the choice they lead to, and the embedded database itself (PGlite behind
 * pglite-socket) running the app's migrations, raw-SQL transactions and payment queue.
 * The machine's real PostgreSQL and Redis stay up: "unreachable" is a port nothing listens on.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Logger, parseCronItems, run } from 'graphile-worker'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../prisma/migrate'
import { seed } from '../../prisma/seed'
import { env } from '../env'
import { EMBEDDED_POLL_INTERVAL_MS } from '../orders/queue-connection-options'
import { embeddedBanner } from '../platform/runtime-mode'
import { chooseServices, embeddedParts } from './choose-services'
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres'
import { freePort } from './port-free'
import { postgresAnswers, redisAnswers } from './service-probe'

describe('probes and the choice of services', () => {
  it('sees the real PostgreSQL and Redis, and nothing on a closed port', async () => {
    const closed = await freePort()
    expect(await postgresAnswers(env.DATABASE_URL)).toBe(true)
    expect(await postgresAnswers(`postgresql://postgres@127.0.0.1:${closed}/storefront`)).toBe(false)
    expect(await redisAnswers(env.REDIS_URL)).toBe(true)
    expect(await redisAnswers(`redis://127.0.0.1:${closed}`)).toBe(false)
  })

  it('counts a PostgreSQL that refuses the database as one that answers (a real service to fix)', async () => {
    const url = new URL(env.DATABASE_URL)
    url.pathname = '/no_such_database_for_probe'
    expect(await postgresAnswers(url.toString())).toBe(true)
  })

  it('falls back to embedded services only for unset addresses that answer nothing', async () => {
    const closed = await freePort()
    const nothing = { databaseUrl: `postgresql://postgres@127.0.0.1:${closed}/x`, redisUrl: `redis://127.0.0.1:${closed}`, upstashUrl: null }
    const fallback = await chooseServices({ ...nothing, databaseUrlSet: false, redisUrlSet: false })
    expect(fallback).toEqual({ database: { kind: 'embedded' }, redis: { kind: 'emulated' } })
    expect(embeddedParts(fallback)).toBe('database,redis')
    // An address the user gave is used as it is, reachable or not.
    expect(await chooseServices({ ...nothing, databaseUrlSet: true, redisUrlSet: true })).toEqual({
      database: { kind: 'postgres', url: nothing.databaseUrl },
      redis: { kind: 'redis', url: nothing.redisUrl },
    })
    const real = await chooseServices({ databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL, databaseUrlSet: false, redisUrlSet: false, upstashUrl: 'https://example.upstash.io' })
    expect(real).toEqual({ database: { kind: 'postgres', url: env.DATABASE_URL }, redis: { kind: 'upstash', url: 'https://example.upstash.io' } })
    expect(embeddedParts(real)).toBe('')
  })

  it('words the banner as the issue asks', () => {
    expect(embeddedBanner('.data')).toBe('embedded mode: single process, data in ./.data, not for load tests')
  })
})

describe('the embedded database', () => {
  let dir: string
  let database: EmbeddedPostgres
  let pool: pg.Pool

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sf-embedded-'))
    database = await startEmbeddedPostgres({ dataDir: join(dir, 'pglite') })
    pool = new pg.Pool({ connectionString: database.url, max: 8 })
  })
  afterAll(async () => {
    await pool?.end()
    await database?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('refuses a second owner of the same folder with a clear message', async () => {
    await expect(startEmbeddedPostgres({ dataDir: join(dir, 'pglite') })).rejects.toThrow(/the embedded database in .* is already open in this process/)
  })

  it('takes the migrations and the seed exactly as the real server does', async () => {
    expect(database.created).toBe(true)
    const { applied } = await migrate(database.url)
    expect(applied.length).toBeGreaterThan(0)
    expect((await migrate(database.url)).applied).toEqual([])
    const seeded = await seed(database.url, { productCount: 300 })
    expect(seeded).toMatchObject({ productsCreated: 300, productsTotal: 300 })
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM graphile_worker.jobs')
    expect(rows[0]?.n).toBe(0)
    // The unaccent contrib module is loaded: the search migration's wrapper works here too.
    const { rows: folded } = await pool.query<{ s: string }>(`SELECT storefront_unaccent('Crème Brûlée') AS s`)
    expect(folded[0]?.s).toBe('Creme Brulee')
  })

  it('keeps concurrent read-modify-write transactions on separate connections isolated', async () => {
    await pool.query('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)')
    await pool.query('INSERT INTO counter VALUES (1, 0)')
    await Promise.all(
      Array.from({ length: 60 }, async () => {
        const client = await pool.connect()
        try {
          await client.query('BEGIN')
          const { rows } = await client.query<{ n: number }>('SELECT n FROM counter WHERE id = $1', [1])
          await client.query('UPDATE counter SET n = $1 WHERE id = 1', [(rows[0]?.n ?? 0) + 1])
          await client.query('COMMIT')
        } finally {
          client.release()
        }
      }),
    )
    const { rows } = await pool.query<{ n: number }>('SELECT n FROM counter')
    expect(rows[0]?.n).toBe(60)
  })

  it('rolls back the open transaction of a connection that goes away', async () => {
    const client = new pg.Client(database.url)
    await client.connect()
    await client.query('BEGIN')
    await client.query('INSERT INTO counter VALUES (2, 99)')
    await client.end()
    const { rows } = await pool.query('SELECT * FROM counter WHERE id = 2')
    expect(rows).toEqual([])
  })

  it('runs graphile-worker jobs with the embedded options: unnamed statements, found by polling', async () => {
    const done: number[] = []
    const runner = await run({
      connectionString: database.url,
      concurrency: 3,
      maxPoolSize: 5,
      noHandleSignals: true,
      noPreparedStatements: true,
      pollInterval: EMBEDDED_POLL_INTERVAL_MS,
      logger: new Logger(() => () => {}),
      taskList: { probe: async (payload) => void done.push(Number((payload as { i: number }).i)) },
      parsedCronItems: parseCronItems([]),
    })
    try {
      await pool.query(`SELECT graphile_worker.add_job('probe', json_build_object('i', i)) FROM generate_series(1, 12) AS i`)
      await expect.poll(() => done.length, { timeout: 20_000 }).toBe(12)
      expect([...done].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
    } finally {
      await runner.stop()
    }
  })
})
