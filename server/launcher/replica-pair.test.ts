/**
 * The private primary/replica pair: what fleet mode and the replica tests stand on. Real
 * PostgreSQL processes, real streaming replication.
 */
import { existsSync } from 'node:fs'
import pg from 'pg'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startReplicaPair, type ReplicaPair } from './replica-pair'

/** Upper bound for a committed row to show on the replica before the test gives up (not a speed goal). */
const REPLICATION_GIVE_UP_MS = 30_000

let pair: ReplicaPair

beforeAll(async () => {
  pair = await startReplicaPair()
})

afterAll(async () => {
  await pair?.stop()
})

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(sql, params)).rows
  } finally {
    await client.end()
  }
}

test('a row committed on the primary shows on the replica, which streams and refuses writes', async () => {
  await query(pair.primaryUrl, 'CREATE TABLE IF NOT EXISTS probe (id serial PRIMARY KEY, note text NOT NULL)')
  const [inserted] = await query<{ id: number }>(pair.primaryUrl, 'INSERT INTO probe (note) VALUES ($1) RETURNING id', ['written on the primary'])

  let seen: string | undefined
  const giveUpAt = Date.now() + REPLICATION_GIVE_UP_MS
  while (seen === undefined && Date.now() < giveUpAt) {
    const rows = await query<{ note: string }>(pair.replicaUrl, 'SELECT note FROM probe WHERE id = $1', [inserted!.id]).catch(() => [])
    seen = rows[0]?.note
    if (seen === undefined) await new Promise((r) => setTimeout(r, 50))
  }
  expect(seen).toBe('written on the primary')

  const [state] = await query<{ state: string }>(pair.primaryUrl, 'SELECT state FROM pg_stat_replication')
  expect(state?.state).toBe('streaming')
  const [recovery] = await query<{ in_recovery: boolean }>(pair.replicaUrl, 'SELECT pg_is_in_recovery() AS in_recovery')
  expect(recovery?.in_recovery).toBe(true)
  await expect(query(pair.replicaUrl, "INSERT INTO probe (note) VALUES ('on the replica')")).rejects.toThrow(/read-only transaction/)
})

test('stop() shuts both servers down and leaves nothing behind', async () => {
  const other = await startReplicaPair()
  await other.stop()
  expect(existsSync(other.dir)).toBe(false)
  await expect(query(other.primaryUrl, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/)
  await expect(query(other.replicaUrl, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/)
  await other.stop()
})
