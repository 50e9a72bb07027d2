/**
 * What each instance publishes to Redis once per slot (SLOT_MS), and where: the compact
 * snapshot the fleet view merges. One key per (instance, slot), written once when the slot
 * closes and kept SNAPSHOT_TTL_MS; a sorted set of instances (score = last publish) and a
 * hash of their details.
 *
 *   ops:slot:{instance}:{slot}  JSON SlotSnapshot        (slot = start ms / SLOT_MS)
 *   ops:instances               ZSET instance → last publish ms
 *   ops:instance-info           HASH instance → JSON InstanceInfo
 *   ops:queue:{slot}            JSON QueueSample: the job queue, sampled every slot by the
 *                               fleet's signal sampler (one elected worker process, see
 *                               signal-sampler.ts), or by the dashboard when none runs; never
 *                               by shopper-serving instances, which issue no SQL of their own
 *   ops:alerts:{slot}           JSON AlertSample: the thresholds crossed in that slot, as the
 *                               sampler evaluated them (nobody needs to be watching)
 *   ops:sampler-lease           which process samples (a lease, server/platform/lease.ts)
 *
 * Backward tolerance within one deploy: fields added since version 1 (an instance's `role`
 * and `address`, a snapshot's `replica`) are optional, so old and new instances read each
 * other's records during a rolling restart; SNAPSHOT_VERSION changes only when a reader of the
 * previous release could no longer parse what the new one writes.
 *
 * Size: ~100-400 bytes per active endpoint (an HDR histogram compresses well), so a slot
 * of a busy instance is a few KB.
 */
import { z } from 'zod'
import { key } from '../platform/redis'
import { outcomeCountsSchema, SLOT_MS } from '../platform/request-stats'
import { instanceRoleSchema, replicaSlotSchema } from './fleet-roles.schema'

export { CATALOG_TARGETS, INSTANCE_ROLES, instanceRoleSchema, replicaSlotSchema } from './fleet-roles.schema'
export type { CatalogTarget, InstanceRole, ReplicaSlot } from './fleet-roles.schema'

export const SNAPSHOT_VERSION = 1
/** How long a slot stays readable: the longest window (5 min) plus margin. */
export const SNAPSHOT_TTL_MS = 6 * 60_000
/** Slots in the dashboard's windows. */
export const WINDOW_SLOTS = { '1m': 60_000 / SLOT_MS, '5m': 300_000 / SLOT_MS } as const
export type WindowName = keyof typeof WINDOW_SLOTS
/** An instance that has not published for this long is shown as gone. */
export const INSTANCE_LIVE_MS = 3 * SLOT_MS
/**
 * The staleness window: an instance that has not published for this long drops off the
 * instance list (a stopped or replaced process; its figures still count in the windows
 * they belong to).
 */
export const INSTANCE_STALE_MS = 60_000


export const endpointSlotSchema = outcomeCountsSchema.extend({
  endpoint: z.string().max(200),
  histogram: z.string().max(100_000),
})

export const queueSampleSchema = z.object({
  ready: z.number(),
  scheduled: z.number(),
  running: z.number(),
  failed: z.number(),
  oldestReadySeconds: z.number(),
})
export type QueueSample = z.infer<typeof queueSampleSchema>

/** The alert states of one slot, as the fleet's sampler evaluated them. */
export const alertSampleSchema = z.object({
  /** When it was evaluated (ms). */
  at: z.number(),
  /** The process that sampled (the lease holder). */
  by: z.string().max(120),
  alerts: z.array(z.object({ id: z.string().max(200), panel: z.string().max(40), reason: z.string().max(500), runbook: z.string().max(80) })).max(200),
})
export type AlertSample = z.infer<typeof alertSampleSchema>

export const slotSnapshotSchema = z.object({
  v: z.literal(SNAPSHOT_VERSION),
  instance: z.string().max(120),
  slot: z.number().int(),
  endpoints: z.array(endpointSlotSchema),
  /** Counter increments during the slot, by name (`cache:redis:hit`, `rl:checkout:limit`, `checkout:placed`, `catalog:replica`, …). */
  counters: z.record(z.string(), z.number()),
  gauges: z.object({
    eventLoopP99Ms: z.number(),
    eventLoopMaxMs: z.number(),
    rssMb: z.number(),
    heapUsedMb: z.number(),
  }),
  /** The read replica as this instance saw it; absent from processes that make no catalog reads (workers) and from older releases. */
  replica: replicaSlotSchema.optional(),
})
export type SlotSnapshot = z.infer<typeof slotSnapshotSchema>

export const instanceInfoSchema = z.object({
  id: z.string(),
  /** Where pre-warm and operators reach this instance; null until its server has taken a request. */
  url: z.string().nullable(),
  host: z.string(),
  pid: z.number().int(),
  startedAt: z.number(),
  /** Absent from older releases (shown as "unknown"). */
  role: instanceRoleSchema.optional(),
  /** Where it listens, `host:port`, or `worker` for a payment worker; null until known. Absent from older releases. */
  address: z.string().max(300).nullable().optional(),
})
export type InstanceInfo = z.infer<typeof instanceInfoSchema>

export const opsKeys = {
  slot: (instance: string, slot: number) => key('ops', 'slot', instance, slot),
  instances: () => key('ops', 'instances'),
  instanceInfo: () => key('ops', 'instance-info'),
  queueSample: (slot: number) => key('ops', 'queue', slot),
  alertSample: (slot: number) => key('ops', 'alerts', slot),
  samplerLease: () => key('ops', 'sampler-lease'),
  prewarm: () => key('ops', 'prewarm'),
} as const

/** The slot a moment falls in. */
export const slotOf = (ms: number) => Math.floor(ms / SLOT_MS)
