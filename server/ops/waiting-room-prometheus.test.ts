/**
 * The waiting room's gauges in Prometheus text: each figure under its name, absent figures
 * (no admissions, nothing ended) left out rather than exported as 0, one read per scrape (and a
 * fresh one the next), and a failed read leaving the gauges out instead of failing the scrape.
 */
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import type { WaitingRoomFigures } from '../waiting-room/waiting-room.schema'
import { registerWaitingRoomGauges, sharedWaitingRoomRead } from './waiting-room-prometheus'

const FIGURES: WaitingRoomFigures = {
  settings: { mode: 'on', admissionRatePerSecond: 25 },
  changedBy: 'admin',
  changedAt: new Date(0),
  lineLength: 42,
  admittedPerSecond: 24.5,
  waitP50Ms: 1_500,
  waitP95Ms: 8_250,
  abandoned: 7,
  abandonRate: 0.125,
}

async function scrape(read: () => Promise<WaitingRoomFigures>): Promise<{ text: string; reads: number }> {
  let reads = 0
  const registry = new Registry()
  registerWaitingRoomGauges(
    registry,
    sharedWaitingRoomRead(() => {
      reads++
      return read()
    }),
  )
  return { text: await registry.metrics(), reads }
}

describe('waiting-room gauges', () => {
  it('export every live figure, in seconds and shares, from one read per scrape', async () => {
    const { text, reads } = await scrape(async () => FIGURES)
    expect(reads).toBe(1)
    for (const line of [
      'storefront_fleet_waiting_room_line_length 42',
      'storefront_fleet_waiting_room_admitted_per_second 24.5',
      'storefront_fleet_waiting_room_wait_seconds{quantile="0.5"} 1.5',
      'storefront_fleet_waiting_room_wait_seconds{quantile="0.95"} 8.25',
      'storefront_fleet_waiting_room_abandoned 7',
      'storefront_fleet_waiting_room_abandon_rate 0.125',
      'storefront_fleet_waiting_room_mode{mode="off"} 0',
      'storefront_fleet_waiting_room_mode{mode="auto"} 0',
      'storefront_fleet_waiting_room_mode{mode="on"} 1',
      'storefront_fleet_waiting_room_admission_rate 25',
    ]) {
      expect(text).toContain(`${line}\n`)
    }
  })

  it('read afresh on the next scrape (a line that moved shows at once)', async () => {
    let line = 42
    let reads = 0
    const registry = new Registry()
    registerWaitingRoomGauges(
      registry,
      sharedWaitingRoomRead(async () => {
        reads++
        return { ...FIGURES, lineLength: line }
      }),
    )
    expect(await registry.metrics()).toContain('storefront_fleet_waiting_room_line_length 42\n')
    line = 7
    expect(await registry.metrics()).toContain('storefront_fleet_waiting_room_line_length 7\n')
    expect(reads).toBe(2)
  })

  it('leave out the wait quantiles and the abandon rate while there are none', async () => {
    const { text } = await scrape(async () => ({ ...FIGURES, lineLength: 0, waitP50Ms: null, waitP95Ms: null, abandoned: 0, abandonRate: null }))
    expect(text).toContain('storefront_fleet_waiting_room_line_length 0\n')
    expect(text).not.toMatch(/^storefront_fleet_waiting_room_wait_seconds\{/m)
    expect(text).not.toMatch(/^storefront_fleet_waiting_room_abandon_rate /m)
  })

  it('leave every gauge out when the figures cannot be read (Redis down), and the scrape still answers', async () => {
    const { text } = await scrape(async () => {
      throw new Error('Redis is not answering')
    })
    expect(text).toContain('# TYPE storefront_fleet_waiting_room_line_length gauge')
    expect(text).not.toMatch(/^storefront_fleet_waiting_room_\w+(\{[^}]*\})? /m)
  })
})
