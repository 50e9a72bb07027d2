/**
 * The waiting-room lever on /ops over real HTTP, on a store with a Redis key prefix of its own
 * (testing/test-ops.ts): who may pull it, what bad input does, that a change shows in
 * ops.waitingRoom with who and when, and that the live figures and their Prometheus gauges
 * count a line that real checkouts formed.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { env } from '../env'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper } from '../../testing/test-shopper'
import { adminClient, startOpsStores, type OpsStores } from '../../testing/test-ops'
import { DEFAULT_WAITING_ROOM_SETTINGS, MAX_ADMISSION_RATE, MIN_ADMISSION_RATE, type QueuedAnswer, type WaitingRoomFigures } from '../waiting-room/waiting-room.schema'

const db = new pg.Pool({ connectionString: env.DATABASE_URL, max: 1 })
let world: OpsStores
let base: string
let admin: TestShopper

/** The slowest line the lever allows: after the first admission, nobody else is let in during the test. */
const SLOW_RATE = MIN_ADMISSION_RATE
const SHOPPERS = 4

const figures = async () => {
  const answer = await admin.query<WaitingRoomFigures>('ops.waitingRoom')
  expect(answer.status, JSON.stringify(answer.error)).toBe(200)
  return answer.data!
}
const metricsText = async () => (await fetch(`${base}/api/metrics`, { headers: { authorization: `Bearer ${env.METRICS_TOKEN}` } })).text()
const gauge = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN)

beforeAll(async () => {
  world = await startOpsStores('wr-lever', 1)
  base = world.stores[0]!.url
  admin = await adminClient(base)
}, 120_000)

afterAll(async () => {
  await world?.close()
  await db.end()
})

describe('who may use the waiting-room lever', () => {
  it('answers an anonymous caller 401 on the figures and on the lever, and changes nothing', async () => {
    const anonymous = new TestShopper(base, { origin: base })
    const read = await anonymous.query('ops.waitingRoom')
    const write = await anonymous.mutate('ops.setWaitingRoom', { mode: 'off' })
    expect([read.status, write.status]).toEqual([401, 401])
    expect(read.data).toBeUndefined()
    expect((await figures()).settings).toEqual(DEFAULT_WAITING_ROOM_SETTINGS)
  })

  it('refuses an admin change from another origin with 403', async () => {
    const foreign = new TestShopper(base, { origin: 'https://evil.example' })
    foreign.setCookie('sf_admin', admin.cookieHeader().match(/sf_admin=([^;]+)/)![1]!)
    expect((await foreign.mutate('ops.setWaitingRoom', { mode: 'off' })).status).toBe(403)
    expect((await figures()).settings.mode).toBe(DEFAULT_WAITING_ROOM_SETTINGS.mode)
  })
})

describe('bad input', () => {
  it('is a 400 that says what is wrong, and stores nothing', async () => {
    const before = await figures()
    for (const [input, says] of [
      [{ mode: 'sometimes' }, /mode|Invalid option/i],
      [{ admissionRatePerSecond: 0 }, new RegExp(`at least ${MIN_ADMISSION_RATE}`)],
      [{ admissionRatePerSecond: MIN_ADMISSION_RATE / 2 }, new RegExp(`at least ${MIN_ADMISSION_RATE}`)],
      [{ admissionRatePerSecond: MAX_ADMISSION_RATE + 1 }, /at most 10000/],
      [{ admissionRatePerSecond: 'fast' }, /must be a number/],
      [{ mode: 'on', admissionRatePerSecond: -1 }, new RegExp(`at least ${MIN_ADMISSION_RATE}`)],
      [{}, /Give a mode or an admission rate/],
      [{ mode: 'on', queueEveryone: true }, /queueEveryone|Unrecognized/i],
    ] as const) {
      const answer = await admin.mutate('ops.setWaitingRoom', input)
      expect([JSON.stringify(input), answer.status]).toEqual([JSON.stringify(input), 400])
      expect(answer.error?.message, JSON.stringify(answer.error)).toMatch(says)
    }
    const after = await figures()
    expect(after.settings).toEqual(before.settings)
    expect(after.changedBy).toBe(before.changedBy)
  })
})

describe('a change', () => {
  it('shows in ops.waitingRoom with who made it and when, and on /api/metrics', async () => {
    const startedAt = Date.now()
    const set = await admin.mutate<WaitingRoomFigures>('ops.setWaitingRoom', { mode: 'on', admissionRatePerSecond: 25 })
    expect(set.status, JSON.stringify(set.error)).toBe(200)
    expect(set.data).toMatchObject({ settings: { mode: 'on', admissionRatePerSecond: 25 }, changedBy: 'admin' })

    const seen = await figures()
    expect(seen.settings).toEqual({ mode: 'on', admissionRatePerSecond: 25 })
    expect(seen.changedBy).toBe('admin')
    expect(seen.changedAt!.getTime()).toBeGreaterThanOrEqual(startedAt - 1_000)

    // One field at a time keeps the other.
    expect((await admin.mutate<WaitingRoomFigures>('ops.setWaitingRoom', { mode: 'off' })).data!.settings).toEqual({ mode: 'off', admissionRatePerSecond: 25 })

    const text = await metricsText()
    expect(text).toContain('storefront_fleet_waiting_room_mode{mode="off"} 1\n')
    expect(text).toContain('storefront_fleet_waiting_room_mode{mode="on"} 0\n')
    expect(gauge(text, 'storefront_fleet_waiting_room_admission_rate')).toBe(25)
  })
})

describe('live figures', () => {
  it('count the line real checkouts formed, and a shopper who left it, on /ops and on /api/metrics', async () => {
    const { rows } = await db.query<{ id: number }>(`SELECT id FROM "Product" WHERE active AND NOT hot AND stock > 100 ORDER BY id LIMIT 1`)
    const productId = rows[0]!.id
    expect((await admin.mutate('ops.setWaitingRoom', { mode: 'on', admissionRatePerSecond: SLOW_RATE })).status).toBe(200)

    const queued: Array<{ shopper: TestShopper; answer: QueuedAnswer }> = []
    for (let i = 0; i < SHOPPERS; i++) {
      const shopper = new TestShopper(base)
      expect((await shopper.mutate('cart.add', { productId, quantity: 1 })).status).toBe(200)
      const answer = await shopper.mutate<QueuedAnswer | { orderId: string }>('checkout.placeOrder', {
        idempotencyKey: newIdempotencyKey(),
        ...TEST_ADDRESS,
        lines: [{ productId, quantity: 1 }],
      })
      expect(answer.status, JSON.stringify(answer.error)).toBe(200)
      if (answer.data && 'status' in answer.data) queued.push({ shopper, answer: answer.data })
    }
    // Always on: everybody joins the line; at 0.1/s at most the bucket's first token admits one.
    expect(queued.length).toBe(SHOPPERS)
    const waiting = (await figures()).lineLength
    expect(waiting).toBeGreaterThanOrEqual(SHOPPERS - 1)
    expect(waiting).toBeLessThanOrEqual(SHOPPERS)

    const last = queued.at(-1)!
    expect((await last.shopper.mutate('checkout.leaveLine', { ticket: last.answer.ticket })).status).toBe(200)
    const after = await figures()
    expect(after.lineLength).toBe(waiting - 1)
    expect(after.abandoned).toBe(1)
    expect(after.abandonRate).toBeGreaterThan(0)

    const text = await metricsText()
    expect(gauge(text, 'storefront_fleet_waiting_room_line_length')).toBe(after.lineLength)
    expect(gauge(text, 'storefront_fleet_waiting_room_abandoned')).toBe(1)
    expect(gauge(text, 'storefront_fleet_waiting_room_abandon_rate')).toBeCloseTo(after.abandonRate!, 6)
    expect(gauge(text, 'storefront_fleet_waiting_room_admission_rate')).toBe(SLOW_RATE)
    // The room's own per-process counters are on the same page (server/platform/metrics.ts).
    expect(gauge(text, 'storefront_waiting_room_queued_total')).toBe(SHOPPERS)
    expect(text).toMatch(/^storefront_waiting_room_abandoned_total\{reason="left"\} 1$/m)

    await admin.mutate('ops.setWaitingRoom', { mode: DEFAULT_WAITING_ROOM_SETTINGS.mode, admissionRatePerSecond: DEFAULT_WAITING_ROOM_SETTINGS.admissionRatePerSecond })
  })
})
