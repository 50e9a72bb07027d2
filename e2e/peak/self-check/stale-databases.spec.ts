/** Interrupted drills' databases are dropped by the next drill; a running drill's is not. */
import { expect, test } from '@playwright/test'
import pg from 'pg'
import { env } from '../../../server/env'
import { DRILL_DB_LABEL, dropStaleDrillDatabases } from '../world/stale-databases'

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: env.DATABASE_URL })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

test('drops drill databases older than an hour, keeps younger ones', async () => {
  const now = Date.now()
  const old = `${DRILL_DB_LABEL}_${(now - 2 * 3_600_000).toString(36)}_a1b2c3`
  const young = `${DRILL_DB_LABEL}_${(now - 60_000).toString(36)}_d4e5f6`
  await admin(async (c) => {
    await c.query(`CREATE DATABASE "${old}"`)
    await c.query(`CREATE DATABASE "${young}"`)
  })
  try {
    const dropped = await dropStaleDrillDatabases(env.DATABASE_URL, now)
    expect(dropped).toContain(old)
    expect(dropped).not.toContain(young)
    const left = await admin(async (c) => (await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1)', [[old, young]])).rows.map((r) => r.datname))
    expect(left).toEqual([young])
  } finally {
    await admin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${old}" WITH (FORCE)`)
      await c.query(`DROP DATABASE IF EXISTS "${young}" WITH (FORCE)`)
    })
  }
})
