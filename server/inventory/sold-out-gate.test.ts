/**
 * The sold-out gate against the real Redis, in the order a race delivers its calls: a sale
 * that took the last unit closes the gate only after its commit, so its close can arrive after
 * an admin's restock already reopened the gate. It must not shut the restocked product; a zero
 * reached after the restock must.
 */
import { describe, expect, it } from 'vitest'
import { redis } from '../platform/redis'
import { closeSoldOutGates, reopenSoldOutGates, soldOutGateKey } from './sold-out-gate'

let next = 900_000_000 + Math.floor(Math.random() * 1_000_000)
const closed = async (id: number) => (await redis.get(soldOutGateKey(id))) !== null

describe('sold-out gate ordering (restockSeq)', () => {
  it('a late close from a sale before the restock never shuts the restocked product; a later zero does', async () => {
    const id = next++
    await closeSoldOutGates([{ id, name: 'Gate TV', restockSeq: 3 }]) // sold out at sequence 3
    expect(await closed(id)).toBe(true)
    expect(await reopenSoldOutGates([{ productId: id, restockSeq: 4 }])).toBe('done') // restock → 4
    expect(await closed(id)).toBe(false)
    await closeSoldOutGates([{ id, name: 'Gate TV', restockSeq: 3 }]) // the sale's close, late
    expect(await closed(id)).toBe(false)
    await closeSoldOutGates([{ id, name: 'Gate TV', restockSeq: 4 }]) // the restocked units sold out too
    expect(await closed(id)).toBe(true)
  })

  it('a reopen for an older sequence still opens the gate (a gate left open only costs a database check)', async () => {
    const id = next++
    await reopenSoldOutGates([{ productId: id, restockSeq: 7 }])
    await closeSoldOutGates([{ id, name: 'Gate Lamp', restockSeq: 7 }])
    await reopenSoldOutGates([{ productId: id, restockSeq: 5 }])
    expect(await closed(id)).toBe(false)
    await closeSoldOutGates([{ id, name: 'Gate Lamp', restockSeq: 6 }]) // older than the newest reopen (7): refused
    expect(await closed(id)).toBe(false)
  })
})
