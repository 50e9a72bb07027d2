/**
 * The read replica on /ops (issue 16): a real streaming pair (server/launcher/replica-pair.ts)
 * holds the store's database; a real `next start` store reads its catalog from the replica
 * (DATABASE_REPLICA_URL) on a Redis key prefix of its own. The dashboard's tRPC overview
 * shows what the store published: the lag it measured, where its catalog reads go and how
 * many went there. Pausing WAL replay makes the lag real; the store falls back to the
 * primary, and the overview shows the fallback, its reason and the replica alert; resuming
 * brings reads back to the replica.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { env } from '../env'
import { adminClient } from '../../testing/test-ops'
import { createTestDatabase, deleteKeysWithPrefix, uniqueKeyPrefix, type TestDatabase } from '../../testing/test-services'
import { TestShopper } from '../../testing/test-shopper'
import { currentStoreEnv, startStore, type RunningStore } from '../../testing/test-store'
import { waitUntil } from '../../testing/test-world'
import { startReplicaPair, type ReplicaPair } from '../launcher/replica-pair'
import { SLOT_MS } from '../platform/request-stats'
import type { Overview } from './ops.schema'

/** The store's fallback bound: small, so a paused replay crosses it at once. */
const MAX_LAG_MS = 300
/** A few publishing slots: how long a change may take to reach the overview. */
const SHOWN_WITHIN_MS = 8 * SLOT_MS
/** How often the test writes on the primary while replay is paused (the lag grows with unreplayed writes). */
const WRITE_EVERY_MS = 100

let pair: ReplicaPair
let database: TestDatabase
let store: RunningStore
let keyPrefix: string
let admin: TestShopper
let primary: pg.Pool

beforeAll(async () => {
  pair = await startReplicaPair()
  database = await createTestDatabase(pair.primaryUrl, 'sf_test_replica_ops', { seedProducts: 20 })
  primary = new pg.Pool({ connectionString: database.url, max: 1 })
  await primary.query('CREATE TABLE ops_ticks (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())')
  const replicaUrl = new URL(database.url)
  replicaUrl.port = String(pair.replicaPort)
  keyPrefix = uniqueKeyPrefix('test-replica-ops')
  const base = currentStoreEnv({ DATABASE_REPLICA_URL: replicaUrl.toString(), REPLICA_MAX_LAG_MS: String(MAX_LAG_MS) })
  store = await startStore('auto', { ...base, databaseUrl: database.url, keyPrefix })
  admin = await adminClient(store.url)
}, 240_000)

afterAll(async () => {
  await store?.stop()
  await primary?.end()
  if (keyPrefix) await deleteKeysWithPrefix(env.REDIS_URL, keyPrefix)
  await pair?.stop() // the scratch database goes with the pair's folder
})

async function overview(): Promise<Overview> {
  const answer = await admin.query<Overview>('ops.overview')
  expect(answer.status, JSON.stringify(answer.error)).toBe(200)
  return answer.data!
}

/** Polls (doing `each` first every round) until the overview satisfies `ok`; fails at SHOWN_WITHIN_MS. */
async function overviewUntil(what: string, ok: (o: Overview) => boolean, each: () => Promise<unknown> = async () => {}): Promise<Overview> {
  let last: Overview | null = null
  await waitUntil(
    async () => {
      await each()
      return ok((last = await overview()))
    },
    SHOWN_WITHIN_MS,
    async () => `${what}: last replica figures ${JSON.stringify(last?.figures.replica)} alerts ${JSON.stringify(last?.alerts)}`,
  )
  return last!
}

let searches = 0
/** One catalog read the caches cannot answer (a query never asked before). */
const search = () => new TestShopper(store.url).query('catalog.search', { q: `replica ops ${++searches} ${Date.now().toString(36)}` })

describe('/ops replica panel data', () => {
  it('shows the lag the store measured, catalog reads on the replica, and no alert while it keeps up', async () => {
    const seen = await overviewUntil('reads on the replica', (o) => o.figures.replica.target === 'replica' && o.figures.replica.reads['1m'].replica > 0, search)
    const r = seen.figures.replica
    expect(r.instances).toEqual({ replica: 1, 'primary-fallback': 0, none: 0 })
    expect(r.lagMs).not.toBeNull()
    expect(r.lagMs!).toBeLessThanOrEqual(MAX_LAG_MS)
    expect(r.lagSeries.some((v) => v !== null)).toBe(true)
    expect(r.lagSeries).toHaveLength(seen.figures.series.at.length)
    expect(seen.alerts.filter((a) => a.panel === 'replica')).toEqual([])
  })

  it('shows the fallback to the primary, why, and the replica alert while replay is paused; and the way back', async () => {
    await onReplica(pair, 'SELECT pg_wal_replay_pause()')
    try {
      const tick = async () => {
        await primary.query('INSERT INTO ops_ticks DEFAULT VALUES')
        await search()
        await new Promise((r) => setTimeout(r, WRITE_EVERY_MS))
      }
      const seen = await overviewUntil(
        'the fallback with reads counted on the primary',
        (o) => o.figures.replica.target === 'primary-fallback' && o.figures.replica.reads['1m'].primaryFallback > 0,
        tick,
      )
      const r = seen.figures.replica
      expect(r.instances).toEqual({ replica: 0, 'primary-fallback': 1, none: 0 })
      expect(r.reason).toMatch(/replica lag \d+ ms is over 300 ms/)
      expect(r.lagMs!).toBeGreaterThan(MAX_LAG_MS)
      const alert = seen.alerts.find((a) => a.id === 'replica-fallback')
      expect(alert).toMatchObject({ panel: 'replica', runbook: 'replica-lag' })
    } finally {
      await onReplica(pair, 'SELECT pg_wal_replay_resume()')
    }
    const back = await overviewUntil('reads back on the replica', (o) => o.figures.replica.target === 'replica', search)
    expect(back.alerts.filter((a) => a.id === 'replica-fallback')).toEqual([])
  })
})

/** One statement on the replica's server (replay control is per server, not per database). */
async function onReplica(p: ReplicaPair, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: p.replicaUrl })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}
