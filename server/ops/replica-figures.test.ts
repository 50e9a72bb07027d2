/**
 * The fleet's replica figures from published snapshots, and snapshot records of an older
 * release (no role, no address, no replica) still read during a rolling deploy.
 */
import { describe, expect, it } from 'vitest'
import { addSnapshot, emptyFleetSlot, fleetFigures, type FleetSlot } from './fleet-figures'
import { instanceInfoSchema, slotSnapshotSchema, SNAPSHOT_VERSION, WINDOW_SLOTS, type ReplicaSlot, type SlotSnapshot } from './metrics-snapshot'

const gauges = { eventLoopP99Ms: 3, eventLoopMaxMs: 8, rssMb: 200, heapUsedMb: 90 }
const last = 2_000_000

function snap(instance: string, slot: number, replica?: ReplicaSlot, counters: Record<string, number> = {}): SlotSnapshot {
  return { v: SNAPSHOT_VERSION, instance, slot, endpoints: [], counters, gauges, ...(replica ? { replica } : {}) }
}

function figuresOf(snapshots: SlotSnapshot[]) {
  const slots = new Map<number, FleetSlot>()
  for (const s of snapshots) {
    const slot = slots.get(s.slot) ?? emptyFleetSlot(s.slot)
    slots.set(s.slot, slot)
    addSnapshot(slot, s)
  }
  return fleetFigures([...slots.values()], last).replica
}

const onReplica = (lagMs: number): ReplicaSlot => ({ target: 'replica', lagMs, reason: null })
const fallback: ReplicaSlot = { target: 'primary-fallback', lagMs: 4_200, reason: 'replica lag 4200 ms is over 1000 ms' }

describe('replica figures', () => {
  it('take the largest lag of each instance’s newest report, chart it per slot, and name one target when all agree', () => {
    const r = figuresOf([
      snap('web-a', last - 2, onReplica(900)),
      snap('web-a', last, onReplica(40), { 'catalog:replica': 30 }),
      snap('api-a', last, onReplica(120), { 'catalog:replica': 12 }),
      snap('worker-a', last), // workers report no replica
    ])
    expect(r.target).toBe('replica')
    expect(r.lagMs).toBe(120)
    expect(r.instances).toEqual({ replica: 2, 'primary-fallback': 0, none: 0 })
    expect(r.lagSeries).toHaveLength(WINDOW_SLOTS['5m'])
    expect(r.lagSeries.at(-1)).toBe(120)
    expect(r.lagSeries.at(-3)).toBe(900)
    expect(r.lagSeries.at(-2)).toBeNull()
    expect(r.reads['1m']).toEqual({ replica: 42, primaryFallback: 0, primary: 0 })
  })

  it('show a fallback with its reason, and `mixed` when instances disagree', () => {
    const r = figuresOf([snap('web-a', last, onReplica(10)), snap('web-b', last, fallback, { 'catalog:primary': 9, 'catalog:primary-fallback': 7 })])
    expect(r).toMatchObject({ target: 'mixed', lagMs: 4_200, reason: fallback.reason, instances: { replica: 1, 'primary-fallback': 1, none: 0 } })
    // Of the 9 primary reads, 7 fell back from the replica, 2 came from an instance without one.
    expect(r.reads['5m']).toEqual({ replica: 0, primaryFallback: 7, primary: 2 })
  })

  it('say `none` when the instances have no replica, `unknown` when none reports, and forget reports older than a minute', () => {
    expect(figuresOf([snap('web-a', last, { target: 'none', lagMs: null, reason: null }, { 'catalog:primary': 5 })])).toMatchObject({
      target: 'none',
      lagMs: null,
      reads: { '1m': { primary: 5, replica: 0, primaryFallback: 0 } },
    })
    expect(figuresOf([snap('worker-a', last)]).target).toBe('unknown')
    expect(figuresOf([snap('web-a', last - WINDOW_SLOTS['1m'], fallback)]).target).toBe('unknown')
  })
})

describe('records of an older release (rolling deploy)', () => {
  it('an instance record without role or address, and a snapshot without replica, still parse', () => {
    const info = instanceInfoSchema.parse({ id: 'old', url: null, host: 'h', pid: 1, startedAt: 1 })
    expect(info.role).toBeUndefined()
    expect(slotSnapshotSchema.safeParse({ v: 1, instance: 'old', slot: last, endpoints: [], counters: {}, gauges }).success).toBe(true)
  })

  it('a record with fields a newer release added is read, the unknown fields ignored', () => {
    const parsed = slotSnapshotSchema.parse({ ...snap('new', last, onReplica(5)), later: { anything: true } })
    expect(parsed.replica).toEqual(onReplica(5))
  })
})
