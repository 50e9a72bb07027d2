/**
 * Reads every instance's published slots from Redis and keeps them merged per slot
 * (fleet-figures.ts), so each dashboard refresh fetches only what is new: two round trips
 * (the instance list, then one MGET of the (instance, slot) keys not read yet plus the
 * queue and alert samples), whatever the window.
 *
 * A snapshot is written once and never changes, so once merged it is never fetched again;
 * a key still missing a few slots after its slot closed is given up on (that instance was
 * down or busy, and its figures went into its next slot).
 *
 * The instance list holds the instances that published within INSTANCE_STALE_MS, each with
 * its role and address (records of older releases without them read as role `unknown`).
 *
 * Redis down → the figures of this process alone (the publisher's own last five minutes),
 * marked `source: 'local'`, instead of an error.
 */
import type { Redis } from '@upstash/redis'
import { logger } from '../platform/logger'
import { redis as appRedis } from '../platform/redis'
import { SLOT_MS } from '../platform/request-stats'
import { addSnapshot, emptyFleetSlot, fleetFigures, type FleetFigures, type FleetSlot } from './fleet-figures'
import {
  alertSampleSchema,
  INSTANCE_LIVE_MS,
  INSTANCE_STALE_MS,
  instanceInfoSchema,
  opsKeys,
  queueSampleSchema,
  slotOf,
  slotSnapshotSchema,
  WINDOW_SLOTS,
  type AlertSample,
  type InstanceInfo,
  type InstanceRole,
  type QueueSample,
  type SlotSnapshot,
} from './metrics-snapshot'

/** A slot is read this long after it closed, so every instance has had time to publish it. */
export const PUBLISH_GRACE_MS = 1_500
/** Slots a missing snapshot is still looked for after its slot closed. */
const LATE_SLOTS = 3
const MGET_CHUNK = 500

const log = logger.child({ module: 'fleet-reader' })

/** A hash value as stored: JSON text (the gateway may also hand back the parsed object); unreadable text → null. */
function parseRecord(value: unknown): unknown {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value) as unknown
  } catch {
    return null
  }
}

export interface InstanceView {
  id: string
  /** web | api | worker; `unknown` for a record of an older release, or one that does not parse. */
  role: InstanceRole | 'unknown'
  /** Where it listens (`host:port`, or `worker`); null when not known yet. */
  address: string | null
  url: string | null
  host: string
  pid: number
  startedAt: number
  lastSeen: number
  live: boolean
}

export interface FleetRead {
  source: 'fleet' | 'local'
  redis: 'up' | 'down'
  figures: FleetFigures
  instances: InstanceView[]
  /** The queue samples of the window (oldest first), one per slot at most. */
  queue: Array<{ at: number; sample: QueueSample }>
  /** The alert states the fleet's sampler recorded in the window (oldest first), one per slot at most. */
  alerts: AlertSample[]
}

export interface FleetReaderOptions {
  redis?: Redis
  now?: () => number
  /** This process's own recent snapshots, for when Redis is down. */
  localSnapshots?: () => readonly SlotSnapshot[]
  localInstance?: () => InstanceInfo | null
}

export function createFleetReader(opts: FleetReaderOptions = {}) {
  const redis = opts.redis ?? appRedis
  const now = opts.now ?? Date.now
  const slots = new Map<number, FleetSlot>()
  /** `instance:slot` keys merged or given up on. */
  const done = new Set<string>()

  function window(at: number) {
    const lastSlot = slotOf(at - PUBLISH_GRACE_MS) - 1
    return { lastSlot, firstSlot: lastSlot - WINDOW_SLOTS['5m'] + 1 }
  }

  function evict(firstSlot: number): void {
    for (const slot of slots.keys()) if (slot < firstSlot) slots.delete(slot)
    for (const k of done) if (Number(k.slice(k.lastIndexOf(':') + 1)) < firstSlot) done.delete(k)
  }

  function merge(snapshot: SlotSnapshot): void {
    let slot = slots.get(snapshot.slot)
    if (!slot) {
      slot = emptyFleetSlot(snapshot.slot)
      slots.set(snapshot.slot, slot)
    }
    addSnapshot(slot, snapshot)
  }

  async function fromRedis(at: number): Promise<FleetRead> {
    const { lastSlot, firstSlot } = window(at)
    evict(firstSlot)
    const [members, infos] = await Promise.all([
      redis.zrange<Array<string | number>>(opsKeys.instances(), firstSlot * SLOT_MS, '+inf', { byScore: true, withScores: true }),
      redis.hgetall<Record<string, unknown>>(opsKeys.instanceInfo()),
    ])
    const lastSeen = new Map<string, number>()
    for (let i = 0; i + 1 < members.length; i += 2) lastSeen.set(String(members[i]), Number(members[i + 1]))

    const wanted: Array<{ instance: string; slot: number }> = []
    for (const instance of lastSeen.keys()) {
      for (let slot = firstSlot; slot <= lastSlot; slot++) if (!done.has(`${instance}:${slot}`)) wanted.push({ instance, slot })
    }
    const queueSlots = Array.from({ length: lastSlot - firstSlot + 2 }, (_, i) => firstSlot + i)
    const keys = [
      ...wanted.map((w) => opsKeys.slot(w.instance, w.slot)),
      ...queueSlots.map((s) => opsKeys.queueSample(s)),
      ...queueSlots.map((s) => opsKeys.alertSample(s)),
    ]
    const values: unknown[] = []
    for (let i = 0; i < keys.length; i += MGET_CHUNK) values.push(...(await redis.mget<unknown[]>(...keys.slice(i, i + MGET_CHUNK))))

    wanted.forEach((w, i) => {
      const parsed = slotSnapshotSchema.safeParse(values[i])
      if (parsed.success) {
        merge(parsed.data)
        done.add(`${w.instance}:${w.slot}`)
      } else if (values[i] !== null && values[i] !== undefined) {
        log.warn({ instance: w.instance, slot: w.slot }, 'ignoring a malformed metrics snapshot')
        done.add(`${w.instance}:${w.slot}`)
      } else if (w.slot < lastSlot - LATE_SLOTS) {
        done.add(`${w.instance}:${w.slot}`)
      }
    })
    const queue = queueSlots.flatMap((slot, i) => {
      const parsed = queueSampleSchema.safeParse(values[wanted.length + i])
      return parsed.success ? [{ at: slot * SLOT_MS, sample: parsed.data }] : []
    })
    const alerts = queueSlots.flatMap((_, i) => {
      const parsed = alertSampleSchema.safeParse(values[wanted.length + queueSlots.length + i])
      return parsed.success ? [parsed.data] : []
    })

    const instances = [...lastSeen]
      .filter(([, seen]) => at - seen < INSTANCE_STALE_MS)
      .map(([id, seen]): InstanceView => {
        const info = instanceInfoSchema.safeParse(parseRecord(infos?.[id]))
        return {
          id,
          role: info.success ? (info.data.role ?? 'unknown') : 'unknown',
          address: info.success ? (info.data.address ?? null) : null,
          url: info.success ? info.data.url : null,
          host: info.success ? info.data.host : '?',
          pid: info.success ? info.data.pid : 0,
          startedAt: info.success ? info.data.startedAt : 0,
          lastSeen: seen,
          live: at - seen < INSTANCE_LIVE_MS,
        }
      })
    instances.sort((a, b) => a.id.localeCompare(b.id))
    return { source: 'fleet', redis: 'up', figures: fleetFigures([...slots.values()], lastSlot), instances, queue, alerts }
  }

  function fromLocal(at: number): FleetRead {
    const { lastSlot, firstSlot } = window(at)
    const local = new Map<number, FleetSlot>()
    for (const snapshot of opts.localSnapshots?.() ?? []) {
      if (snapshot.slot < firstSlot) continue
      const slot = local.get(snapshot.slot) ?? emptyFleetSlot(snapshot.slot)
      local.set(snapshot.slot, slot)
      addSnapshot(slot, snapshot)
    }
    const me = opts.localInstance?.()
    const instances: InstanceView[] = me ? [{ ...me, role: me.role ?? 'unknown', address: me.address ?? null, lastSeen: at, live: true }] : []
    return { source: 'local', redis: 'down', figures: fleetFigures([...local.values()], lastSlot), instances, queue: [], alerts: [] }
  }

  return {
    async read(at: number = now()): Promise<FleetRead> {
      try {
        return await fromRedis(at)
      } catch (error) {
        log.warn({ err: error }, 'fleet metrics unavailable from Redis: showing this instance only')
        return fromLocal(at)
      }
    },
  }
}

export type FleetReader = ReturnType<typeof createFleetReader>
