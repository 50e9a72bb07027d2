/**
 * The harness needs nothing another command leaves behind: it works against a server whose
 * configured database was never created, it nests key prefixes under REDIS_KEY_PREFIX, and it
 * drops scratch databases that interrupted runs left, but never a younger one.
 */
import { randomBytes } from 'node:crypto'
import type pg from 'pg'
import { describe, expect, it } from 'vitest'
import { withDatabase, withMaintenanceClient } from '../prisma/ensure-database'
import { env } from '../server/env'
import { createTestDatabase, dropStaleScratchDatabases, STALE_SCRATCH_DATABASE_MS, uniqueKeyPrefix } from './test-services'

const admin = <T>(fn: (c: pg.Client) => Promise<T>) => withMaintenanceClient(env.DATABASE_URL, fn)
const existing = (names: string[]) =>
  admin(async (c) => (await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1) ORDER BY datname', [names])).rows.map((r) => r.datname))

describe('scratch databases', () => {
  it('are created on the server even when the configured database does not exist', async () => {
    const neverCreated = withDatabase(env.DATABASE_URL, `sf_never_${randomBytes(4).toString('hex')}`)
    const database = await createTestDatabase(neverCreated, `sf_fresh${randomBytes(2).toString('hex')}`)
    try {
      expect(await existing([database.name])).toEqual([database.name])
      expect(await existing([new URL(neverCreated).pathname.slice(1)])).toEqual([])
    } finally {
      await database.drop()
    }
    expect(await existing([database.name])).toEqual([])
  })

  it('left by an interrupted run are dropped once stale; younger ones (a run still going) are kept', async () => {
    const label = `sf_stale${randomBytes(3).toString('hex')}`
    const now = Date.now()
    const old = `${label}_${(now - STALE_SCRATCH_DATABASE_MS - 60_000).toString(36)}_a1b2c3`
    const young = `${label}_${(now - 60_000).toString(36)}_d4e5f6`
    const otherLabel = `${label}x_${(now - 2 * STALE_SCRATCH_DATABASE_MS).toString(36)}_0a0b0c`
    await admin(async (c) => {
      for (const name of [old, young, otherLabel]) await c.query(`CREATE DATABASE "${name}"`)
    })
    try {
      const neverCreated = withDatabase(env.DATABASE_URL, `sf_never_${randomBytes(4).toString('hex')}`)
      expect(await dropStaleScratchDatabases(neverCreated, label, now)).toEqual([old])
      expect(await existing([old, young, otherLabel])).toEqual([otherLabel, young].sort())
    } finally {
      await admin(async (c) => {
        for (const name of [old, young, otherLabel]) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      })
    }
  })
})

describe('key prefixes', () => {
  it('nest under REDIS_KEY_PREFIX and never repeat', () => {
    const a = uniqueKeyPrefix('drill')
    const b = uniqueKeyPrefix('drill')
    expect(a.startsWith(`${env.REDIS_KEY_PREFIX}drill:`)).toBe(true)
    expect(a).not.toBe(b)
    expect(uniqueKeyPrefix('x', 'ci:run1:')).toMatch(/^ci:run1:x:[0-9a-z]+:$/)
  })
})
