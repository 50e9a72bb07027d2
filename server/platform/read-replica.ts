/**
 * Catalog reads on a PostgreSQL streaming read replica, when one is configured
 * (`DATABASE_REPLICA_URL`), through `@prisma/extension-read-replicas`.
 *
 * Routing is explicit, never the extension's default. The extension sends every
 * non-transactional model read to the replica, stock and version reads included, and leaves
 * `$queryRaw` (search) on the primary. So the app's `db` stays the plain primary client, and
 * only the reads listed in server/catalog/catalog.repo.ts (listings, product records for the
 * cache, search, pre-warm) ask for `catalogReader()`. Whatever decides or shows money or stock
 * (checkout, stock badge, cart prices at checkout, order status, admin editor, sweeper) reads
 * the primary: a replica can be behind, and is not even serializable across keys.
 *
 * Lag: each process measures the replica's replay lag once a second (`REPLICA_LAG_SAMPLE_MS`);
 * past `REPLICA_MAX_LAG_MS`, or when the replica does not answer, catalog reads go to the
 * primary until it has caught up, and the change is logged and exported
 * (`storefront_replica_lag_seconds`, `storefront_catalog_reads_total{target}`, and
 * `storefront_catalog_fallback_reads_total` for the primary reads a configured replica should
 * have taken). Lag is
 * 0 when the replica has replayed everything it received (an idle primary is not "lag"),
 * otherwise the age of the last replayed transaction — the usual measure from
 * `pg_last_xact_replay_timestamp()` (PostgreSQL docs, "Monitoring", hot standby).
 */
import { readReplicas } from '@prisma/extension-read-replicas'
import { env } from '../env'
import type { PrismaClient } from '../generated/prisma/client'
import { createPrismaClient, db } from './db'
import { logger } from './logger'
import { metrics } from './metrics'

/** How often each process measures the replica's lag. */
export const REPLICA_LAG_SAMPLE_MS = 1_000

const log = logger.child({ module: 'read-replica' })

/** The reads a catalog repository may send to the replica: models and raw SQL, nothing else. */
export type CatalogReader = Pick<PrismaClient, 'product' | 'category' | '$queryRaw'>

export type ReplicaStatus = {
  configured: boolean
  /** Catalog reads go to the replica right now. */
  inUse: boolean
  /** Last measured replay lag in ms; null before the first sample or when unreachable. */
  lagMs: number | null
  /** Why reads go to the primary, when they do. */
  reason: string | null
  measuredAt: number | null
}

type Routed = { reader: CatalogReader; replica: PrismaClient }

function createRouted(url: string): Routed {
  const replica = createPrismaClient(url, env.DATABASE_POOL_SIZE)
  // The extension's types are written against @prisma/client's generic client; ours is the
  // generated one (same runtime class), hence the cast at this one seam.
  const extended = db.$extends(readReplicas({ replicas: [replica as never] }))
  return { reader: extended.$replica() as unknown as CatalogReader, replica }
}

const globalForReplica = globalThis as unknown as { __replica?: ReplicaMonitor | null }

class ReplicaMonitor {
  private status: ReplicaStatus = { configured: true, inUse: false, lagMs: null, reason: 'not measured yet', measuredAt: null }
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly routed: Routed,
    private readonly maxLagMs: number,
  ) {}

  start(): void {
    if (this.timer) return
    void this.sample()
    this.timer = setInterval(() => void this.sample(), REPLICA_LAG_SAMPLE_MS)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  current(): ReplicaStatus {
    return this.status
  }

  /** The client for one catalog read, by the last sample; counted by target, and as a fallback read when on the primary. */
  reader(): CatalogReader {
    if (this.status.inUse) {
      metrics.catalogReads.inc({ target: 'replica' })
      return this.routed.reader
    }
    metrics.catalogReads.inc({ target: 'primary' })
    metrics.catalogFallbackReads.inc()
    return db
  }

  /** Measures once; exported for tests and for callers that need a fresh reading. */
  async sample(): Promise<ReplicaStatus> {
    let lagMs: number | null = null
    let reason: string | null = null
    try {
      const [row] = await this.routed.replica.$queryRaw<Array<{ lag_ms: number | null; in_recovery: boolean }>>`
        SELECT pg_is_in_recovery() AS in_recovery,
               CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
                    ELSE (EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8 END AS lag_ms`
      if (!row?.in_recovery) reason = 'the configured replica is not in recovery (a promoted or wrong server)'
      else if (row.lag_ms === null) reason = 'the replica has replayed nothing yet'
      else {
        lagMs = Math.max(0, row.lag_ms)
        if (lagMs > this.maxLagMs) reason = `replica lag ${Math.round(lagMs)} ms is over ${this.maxLagMs} ms`
      }
    } catch (error) {
      reason = `replica unreachable: ${error instanceof Error ? error.message : String(error)}`
    }
    const inUse = reason === null
    if (inUse !== this.status.inUse) {
      if (inUse) log.info({ lagMs }, 'catalog reads back on the read replica')
      else log.warn({ lagMs, reason }, 'catalog reads fall back to the primary')
    }
    metrics.replicaLagSeconds.set(lagMs === null ? -1 : lagMs / 1000)
    this.status = { configured: true, inUse, lagMs, reason, measuredAt: Date.now() }
    return this.status
  }
}

function monitor(): ReplicaMonitor | null {
  if (globalForReplica.__replica === undefined) {
    globalForReplica.__replica = env.DATABASE_REPLICA_URL ? new ReplicaMonitor(createRouted(env.DATABASE_REPLICA_URL), env.REPLICA_MAX_LAG_MS) : null
    globalForReplica.__replica?.start()
  }
  return globalForReplica.__replica
}

/**
 * Where a catalog read goes now: the replica when one is configured and within
 * `REPLICA_MAX_LAG_MS`, else the primary `db`. Counts each call in
 * `storefront_catalog_reads_total{target}` (`replica` or `primary`; a primary read while a
 * replica is configured also in `storefront_catalog_fallback_reads_total`). Only the reads
 * listed in catalog.repo.ts call it.
 */
export function catalogReader(): CatalogReader {
  const m = monitor()
  if (m) return m.reader()
  metrics.catalogReads.inc({ target: 'primary' })
  return db
}

/** The replica's state as this process sees it (for /ops and health): not configured → `configured: false`. */
export function replicaStatus(): ReplicaStatus {
  return monitor()?.current() ?? { configured: false, inUse: false, lagMs: null, reason: null, measuredAt: null }
}

/**
 * A monitor for an explicit replica URL (tests, fleet tooling): `sample()` measures now,
 * `reader()` routes by the last sample, `stop()` ends its timer (its pools stay with the process).
 */
export function createReplicaMonitor(replicaUrl: string, maxLagMs: number): Pick<ReplicaMonitor, 'sample' | 'reader' | 'current' | 'stop'> {
  return new ReplicaMonitor(createRouted(replicaUrl), maxLagMs)
}
