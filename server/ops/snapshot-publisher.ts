/**
 * Publishes this instance's figures to Redis once per slot (metrics-snapshot.ts): a timer
 * aligned to wall-clock multiples of SLOT_MS, so every instance's slot N covers the same
 * five seconds and the fleet view can add them up. Off the request path entirely: the
 * recorder hands over its encoded histograms, the counters their increments.
 *
 * The last five minutes of snapshots also stay in process, so the dashboard can show this
 * instance's figures when Redis is down. Publish failures are logged (at most every 10 s)
 * and never throw.
 *
 * Each instance says who it is (InstanceInfo): its role (web | api | worker), where it
 * listens (`host:port`, or `worker`), pid and start time, so /ops lists the fleet by role.
 * Web and API processes also report the read replica as they see it (where their catalog
 * reads go, the lag they measured), so /ops shows the fleet's lag, not only its own.
 *
 * One publisher per process, on globalThis: started by instrumentation.ts (web),
 * api-instrumentation.ts (api) or worker-main.ts (worker), read by the ops service from
 * another bundle.
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Redis } from '@upstash/redis'
import { env } from '../env'
import { takeEventLoopLag, startEventLoopMonitor } from '../platform/event-loop-lag'
import { logger } from '../platform/logger'
import type { ReplicaStatus } from '../platform/read-replica'
import { redis as appRedis } from '../platform/redis'
import { requestStats, SLOT_MS, type RequestStats } from '../platform/request-stats'
import { createCounterDeltas, type CounterDeltas } from './counter-deltas'
import { REPLICA_REASON_MAX } from './fleet-roles.schema'
import {
  opsKeys,
  slotOf,
  SNAPSHOT_TTL_MS,
  SNAPSHOT_VERSION,
  WINDOW_SLOTS,
  type InstanceInfo,
  type InstanceRole,
  type ReplicaSlot,
  type SlotSnapshot,
} from './metrics-snapshot'

const log = logger.child({ module: 'ops-publisher' })
const LOG_EVERY_MS = 10_000
/** Fire a little after the boundary, so the closing slot's last requests are in. */
const BOUNDARY_MARGIN_MS = 5
const MB = 1024 * 1024

export interface PublisherOptions {
  redis?: Redis
  stats?: RequestStats
  counters?: CounterDeltas
  instanceId?: string
  now?: () => number
  /** What this process does (default `web`). */
  role?: InstanceRole
  /** Where it listens (`host:port`, or `worker`); null until known (`listening()` sets it). */
  address?: string | null
  /** The read replica as this process sees it, read when each slot closes; omit in processes that make no catalog reads. */
  replica?: () => ReplicaStatus
}

/** A process's replica status as one slot of the snapshot reports it. */
export function replicaSlotOf(status: ReplicaStatus): ReplicaSlot {
  if (!status.configured) return { target: 'none', lagMs: null, reason: null }
  return { target: status.inUse ? 'replica' : 'primary-fallback', lagMs: status.lagMs, reason: status.reason?.slice(0, REPLICA_REASON_MAX) ?? null }
}

export function createSnapshotPublisher(opts: PublisherOptions = {}) {
  const redis = opts.redis ?? appRedis
  const stats = opts.stats ?? requestStats
  const counters = opts.counters ?? createCounterDeltas()
  const now = opts.now ?? Date.now
  const info: InstanceInfo = {
    id: opts.instanceId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    url: env.OPS_INSTANCE_URL ?? null,
    host: hostname(),
    pid: process.pid,
    startedAt: now(),
    role: opts.role ?? 'web',
    address: opts.address ?? null,
  }
  const recent: SlotSnapshot[] = []
  let timer: NodeJS.Timeout | null = null
  let publishing = false
  let lastLog = 0
  let redisOk: boolean | null = null

  async function build(slot: number): Promise<SlotSnapshot> {
    const { endpoints, pageCache } = stats.takeSlot()
    const counted = await counters()
    for (const event of ['hit', 'stale', 'miss'] as const) if (pageCache[event] > 0) counted[`cache:page:${event}`] = pageCache[event]
    const lag = takeEventLoopLag()
    const memory = process.memoryUsage()
    const replica = opts.replica ? replicaSlotOf(opts.replica()) : undefined
    return {
      v: SNAPSHOT_VERSION,
      instance: info.id,
      slot,
      endpoints,
      counters: counted,
      gauges: {
        eventLoopP99Ms: lag.p99Ms,
        eventLoopMaxMs: lag.maxMs,
        rssMb: Math.round(memory.rss / MB),
        heapUsedMb: Math.round(memory.heapUsed / MB),
      },
      ...(replica ? { replica } : {}),
    }
  }

  /** Closes `slot`: builds its snapshot, keeps it, writes it to Redis. Resolves whether Redis took it. */
  async function publish(slot: number): Promise<boolean> {
    const snapshot = await build(slot)
    recent.push(snapshot)
    while (recent.length > WINDOW_SLOTS['5m']) recent.shift()
    const at = now()
    try {
      const p = redis.pipeline()
      p.set(opsKeys.slot(info.id, slot), JSON.stringify(snapshot), { px: SNAPSHOT_TTL_MS })
      p.zadd(opsKeys.instances(), { score: at, member: info.id })
      p.hset(opsKeys.instanceInfo(), { [info.id]: JSON.stringify(info) })
      p.zremrangebyscore(opsKeys.instances(), 0, at - SNAPSHOT_TTL_MS)
      await p.exec()
      redisOk = true
      return true
    } catch (error) {
      redisOk = false
      if (at - lastLog > LOG_EVERY_MS) {
        lastLog = at
        log.warn({ err: error }, 'could not publish metrics to Redis; the dashboard shows this instance alone until it can')
      }
      return false
    }
  }

  function schedule(): void {
    const t = now()
    timer = setTimeout(tick, (slotOf(t) + 1) * SLOT_MS - t + BOUNDARY_MARGIN_MS)
    timer.unref()
  }

  function tick(): void {
    const closed = slotOf(now()) - 1
    schedule()
    // A slow publish (Redis timing out) must not pile up: the next one takes both slots' figures.
    if (publishing) return
    publishing = true
    publish(closed)
      .catch((error: unknown) => log.error({ err: error }, 'metrics snapshot failed'))
      .finally(() => (publishing = false))
  }

  return {
    info,
    start(): void {
      if (timer) return
      startEventLoopMonitor()
      schedule()
    },
    stop(): void {
      if (timer) clearTimeout(timer)
      timer = null
    },
    publish,
    /** The URL other instances reach this one at, once known (OPS_INSTANCE_URL wins). */
    setUrl(url: string): void {
      if (!env.OPS_INSTANCE_URL) info.url = url
    },
    /** Where this process listens (`host:port`), once its server is up. */
    listening(address: string): void {
      info.address = address
    },
    /** This instance's snapshots of the last five minutes, oldest first. */
    recent(): readonly SlotSnapshot[] {
      return recent
    },
    /** Whether the last publish reached Redis (null before the first). */
    redisOk(): boolean | null {
      return redisOk
    },
  }
}

export type SnapshotPublisher = ReturnType<typeof createSnapshotPublisher>

const PUBLISHER = Symbol.for('storefront.snapshotPublisher')
const g = globalThis as unknown as { [PUBLISHER]?: SnapshotPublisher }

/**
 * The process's publisher, created on first use with `opts` (later calls get the same one and
 * their options are ignored); instrumentation.ts, api-instrumentation.ts and worker-main.ts start it.
 */
export function snapshotPublisher(opts: PublisherOptions = {}): SnapshotPublisher {
  return (g[PUBLISHER] ??= createSnapshotPublisher(opts))
}

/** The running publisher, if this process started one. */
export function runningPublisher(): SnapshotPublisher | null {
  return g[PUBLISHER] ?? null
}
