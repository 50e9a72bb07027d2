/**
 * Catalog reads follow the replica's health: on the replica while it keeps up, on the primary
 * when it lags past the bound or does not answer, and back when it catches up. A real
 * streaming pair (server/launcher/replica-pair.ts); lag is made real by pausing WAL replay.
 */
import pg from 'pg'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startReplicaPair, type ReplicaPair } from '../launcher/replica-pair'
import { freePort } from '../dev/port-free'
import { db } from './db'
import { createReplicaMonitor, type ReplicaStatus } from './read-replica'

/** Upper bound for the replica to reach a state before the test gives up (not a speed goal). */
const GIVE_UP_MS = 30_000
/** The lag bound under test: small, so a paused replay crosses it at once. */
const MAX_LAG_MS = 200

let pair: ReplicaPair

beforeAll(async () => {
  pair = await startReplicaPair()
  await sql(pair.primaryUrl, 'CREATE TABLE ticks (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())')
})

afterAll(async () => {
  await pair?.stop()
})

async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(text)).rows
  } finally {
    await client.end()
  }
}

/** Samples until `done(status)` holds, writing a row on the primary before each sample. */
async function sampleUntil(monitor: ReturnType<typeof createReplicaMonitor>, done: (s: ReplicaStatus) => boolean): Promise<ReplicaStatus> {
  const giveUpAt = Date.now() + GIVE_UP_MS
  for (;;) {
    await sql(pair.primaryUrl, 'INSERT INTO ticks DEFAULT VALUES')
    const status = await monitor.sample()
    if (done(status) || Date.now() > giveUpAt) return status
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function portOf(reader: ReturnType<ReturnType<typeof createReplicaMonitor>['reader']>): Promise<number> {
  const [row] = await reader.$queryRaw<Array<{ port: number }>>`SELECT inet_server_port() AS port`
  return row!.port
}

test('reads go to the replica while it keeps up, to the primary while its lag is over the bound, and back', async () => {
  const monitor = createReplicaMonitor(pair.replicaUrl, MAX_LAG_MS)
  try {
    const healthy = await sampleUntil(monitor, (s) => s.inUse)
    expect(healthy).toMatchObject({ configured: true, inUse: true, reason: null })
    expect(await portOf(monitor.reader())).toBe(pair.replicaPort)

    await sql(pair.replicaUrl, 'SELECT pg_wal_replay_pause()')
    const lagging = await sampleUntil(monitor, (s) => !s.inUse)
    expect(lagging.inUse).toBe(false)
    expect(lagging.reason).toMatch(/replica lag \d+ ms is over 200 ms/)
    expect(monitor.reader()).toBe(db)

    await sql(pair.replicaUrl, 'SELECT pg_wal_replay_resume()')
    const caughtUp = await sampleUntil(monitor, (s) => s.inUse)
    expect(caughtUp.inUse).toBe(true)
    expect(await portOf(monitor.reader())).toBe(pair.replicaPort)
  } finally {
    monitor.stop()
  }
})

test('a replica that does not answer sends reads to the primary and says why', async () => {
  const monitor = createReplicaMonitor(`postgresql://postgres@127.0.0.1:${await freePort()}/postgres`, MAX_LAG_MS)
  try {
    const status = await monitor.sample()
    expect(status.inUse).toBe(false)
    expect(status.reason).toMatch(/^replica unreachable/)
    expect(monitor.reader()).toBe(db)
  } finally {
    monitor.stop()
  }
})
