/**
 * What a drill against the fleet (`--fleet`) reports beyond the single-store drill:
 *  - per web and API instance: requests it served and their p99, from the ops snapshots every
 *    process publishes to Redis each 5 s slot (server/ops/snapshot-publisher.ts), read from the
 *    drill's own Redis and matched to fleet members by pid;
 *  - replication lag during the run: pg_stat_replication on the primary, sampled every
 *    LAG_SAMPLE_MS (replay_lag, the time the replica took to replay recent WAL; 0 when idle);
 *  - catalog reads served by the primary and by the replica: each instance's
 *    `storefront_catalog_reads_total{target}` from its /api/metrics, asked directly (not
 *    through the edge), summed over the fleet.
 */
import { decodeFromCompressedBase64 } from 'hdr-histogram-js'
import { Redis } from 'ioredis'
import type pg from 'pg'
import { newLatencyHistogram } from '../../../server/platform/request-stats'
import type { FleetMember, RunningFleet } from '../../../server/launcher/start-fleet'

/** How often replication lag is sampled, in ms. */
export const LAG_SAMPLE_MS = 500
/** Ops snapshots are read in chunks of this many keys. */
const SNAPSHOT_CHUNK = 200

export interface InstanceFigures {
  role: 'web' | 'api'
  /** Backend name at the edge (web_0 …) and pid. */
  backend: string
  pid: number
  requests: number
  /** Of those, answered 5xx other than 503. */
  serverErrors: number
  p99Ms: number | null
}

export interface ReplicaLag {
  samples: number
  maxMs: number
  p99Ms: number
  /** Samples in which no replica was connected (a broken pair shows here). */
  disconnected: number
}

export interface CatalogReads {
  primary: number
  replica: number
}

export interface FleetFigures {
  shape: string
  instances: InstanceFigures[]
  /** null without a replica. */
  replicaLag: ReplicaLag | null
  catalogReads: CatalogReads
}

/** Samples pg_stat_replication on the primary until `stop()`. */
export function startReplicaLagSampler(primary: pg.Pool): { stop(): Promise<ReplicaLag> } {
  const lags: number[] = []
  let disconnected = 0
  let busy: Promise<void> = Promise.resolve()
  const timer = setInterval(() => {
    busy = primary
      .query<{ replicas: string; ms: number | null }>(
        'SELECT count(*) AS replicas, max(EXTRACT(EPOCH FROM replay_lag) * 1000)::float8 AS ms FROM pg_stat_replication',
      )
      .then(({ rows }) => {
        if (Number(rows[0]?.replicas ?? 0) === 0) disconnected++
        else lags.push(rows[0]?.ms ?? 0)
      })
      .catch(() => void disconnected++)
  }, LAG_SAMPLE_MS)
  return {
    async stop() {
      clearInterval(timer)
      await busy
      const sorted = [...lags].sort((a, b) => a - b)
      const p99 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]! : 0
      return { samples: lags.length, maxMs: sorted.at(-1) ?? 0, p99Ms: p99, disconnected }
    },
  }
}

const baseUrl = (m: FleetMember) => m.where.replace(/\/api\/trpc$/, '')

/** Sums `storefront_catalog_reads_total{target}` over every web and API member's /api/metrics. */
export async function readCatalogReads(fleet: RunningFleet, metricsToken: string): Promise<CatalogReads> {
  const reads: CatalogReads = { primary: 0, replica: 0 }
  for (const m of fleet.members().filter((x) => x.role === 'web' || x.role === 'api')) {
    const res = await fetch(`${baseUrl(m)}/api/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })
    const text = await res.text()
    if (res.status !== 200) throw new Error(`${baseUrl(m)}/api/metrics answered ${res.status}`)
    for (const match of text.matchAll(/^storefront_catalog_reads_total\{target="(primary|replica)"\} (\d+(?:\.\d+)?)$/gm)) {
      reads[match[1] as keyof CatalogReads] += Number(match[2])
    }
  }
  return reads
}

interface Snapshot {
  instance: string
  endpoints: Array<{ count: number; server: number; histogram: string }>
}

/**
 * Per web and API member: requests and p99 over every ops snapshot still in Redis (kept
 * SNAPSHOT_TTL_MS, 6 min: the whole of a quick drill). Instances are matched by pid.
 */
export async function readInstanceFigures(fleet: RunningFleet, redisPort: number, keyPrefix: string): Promise<InstanceFigures[]> {
  const redis = new Redis({ host: '127.0.0.1', port: redisPort, lazyConnect: true, maxRetriesPerRequest: 1 })
  redis.on('error', () => {})
  try {
    await redis.connect()
    const info = await redis.hgetall(`${keyPrefix}ops:instance-info`)
    const pidOf = new Map(Object.entries(info).map(([id, json]) => [id, (JSON.parse(json) as { pid: number }).pid]))
    const keys: string[] = []
    let cursor = '0'
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${keyPrefix}ops:slot:*`, 'COUNT', 500)
      cursor = next
      keys.push(...batch)
    } while (cursor !== '0')
    const byPid = new Map<number, { requests: number; serverErrors: number; histogram: ReturnType<typeof newLatencyHistogram> }>()
    for (let i = 0; i < keys.length; i += SNAPSHOT_CHUNK) {
      const values = await redis.mget(...keys.slice(i, i + SNAPSHOT_CHUNK))
      for (const value of values) {
        if (!value) continue
        const snapshot = JSON.parse(value) as Snapshot
        const pid = pidOf.get(snapshot.instance)
        if (pid === undefined) continue
        let into = byPid.get(pid)
        if (!into) byPid.set(pid, (into = { requests: 0, serverErrors: 0, histogram: newLatencyHistogram() }))
        for (const e of snapshot.endpoints) {
          into.requests += e.count
          into.serverErrors += e.server
          try {
            into.histogram.add(decodeFromCompressedBase64(e.histogram, 32))
          } catch {
            // a histogram that does not decode is left out of the p99 (its count stays)
          }
        }
      }
    }
    return fleet
      .members()
      .filter((m): m is FleetMember & { role: 'web' | 'api'; pid: number; backend: string } => (m.role === 'web' || m.role === 'api') && !!m.pid && !!m.backend)
      .map((m) => {
        const f = byPid.get(m.pid)
        // Histograms count microseconds (server/platform/request-stats.ts).
        const p99 = f && f.histogram.totalCount > 0 ? f.histogram.getValueAtPercentile(99) / 1000 : null
        return { role: m.role, backend: m.backend, pid: m.pid, requests: f?.requests ?? 0, serverErrors: f?.serverErrors ?? 0, p99Ms: p99 }
      })
  } finally {
    redis.disconnect()
  }
}
