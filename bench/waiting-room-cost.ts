/**
 * What the waiting room costs a checkout when it is on but not engaged: hot-SKU checkout over
 * HTTP with the room `off` (no Redis call for the room) vs `auto` at the highest admission rate
 * (every checkout runs the ENTER script, finds nobody waiting and a token left, and goes on),
 * interleaved (off, auto, off, auto …) on one store, so drift hits both alike. Counts placed
 * orders and QUEUED answers apart: a QUEUED 200 is not an order. BUYERS stays below
 * MAX_IN_FLIGHT_CHECKOUTS so the in-flight saturation signal does not engage either.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { Pool as HttpPool } from 'undici'
import superjson from 'superjson'
import { SETTINGS_MAX_AGE_MS } from '../server/platform/runtime-settings'
import { MAX_IN_FLIGHT_CHECKOUTS } from '../server/waiting-room/checkout-in-flight'
import { MAX_ADMISSION_RATE, type WaitingRoomMode } from '../server/waiting-room/waiting-room.schema'
import { TEST_ADDRESS } from '../testing/test-shopper'
import { indexedClientAddress } from '../testing/test-store'
import { storeWaitingRoomMode } from '../testing/waiting-room-mode'
import { fmt, latencyPercentiles, markdownTable, summary } from './stats'

export const ROOM_BUYERS = Math.floor(MAX_IN_FLIGHT_CHECKOUTS / 2)
export const ROOM_ROUNDS = 3
export const ROOM_TRIAL_MS = 3_000

export interface WaitingRoomCostContext {
  storeUrl: string
  redisUrl: string
  keyPrefix: string
  productId: number
  sessions: string[]
}

interface Trial {
  ordersPerSecond: number
  queued: number
  p99Ms: number
}

async function trial(ctx: WaitingRoomCostContext, mode: WaitingRoomMode): Promise<Trial> {
  await storeWaitingRoomMode(ctx.redisUrl, ctx.keyPrefix, mode, MAX_ADMISSION_RATE)
  // Every instance's in-process copy of the settings is at most this old.
  await sleep(SETTINGS_MAX_AGE_MS + 500)
  const http = new HttpPool(ctx.storeUrl, { connections: ROOM_BUYERS, pipelining: 1 })
  const latencies: number[] = []
  let orders = 0
  let queued = 0
  let next = 0
  const end = performance.now() + ROOM_TRIAL_MS
  try {
    await Promise.all(
      Array.from({ length: ROOM_BUYERS }, async () => {
        while (performance.now() < end) {
          const k = next++ % ctx.sessions.length
          const body = JSON.stringify(superjson.serialize({ idempotencyKey: crypto.randomUUID(), ...TEST_ADDRESS, lines: [{ productId: ctx.productId, quantity: 1 }] }))
          const started = performance.now()
          const res = await http.request({
            path: '/api/trpc/checkout.placeOrder',
            method: 'POST',
            headers: { 'content-type': 'application/json', cookie: ctx.sessions[k]!, 'x-forwarded-for': indexedClientAddress(k) },
            body,
          })
          const text = await res.body.text()
          latencies.push(performance.now() - started)
          if (res.statusCode !== 200) continue
          if (text.includes('"QUEUED"')) queued++
          else orders++
        }
      }),
    )
  } finally {
    await http.close()
  }
  return { ordersPerSecond: orders / (ROOM_TRIAL_MS / 1000), queued, p99Ms: latencyPercentiles(latencies).p99 }
}

/** Runs the pair and returns its markdown section; leaves the room `off` as the bench found it. */
export async function runWaitingRoomCost(ctx: WaitingRoomCostContext): Promise<string> {
  const got: Record<'off' | 'auto', Trial[]> = { off: [], auto: [] }
  for (let round = 1; round <= ROOM_ROUNDS; round++) {
    console.error(`bench: waiting room off vs auto, round ${round}/${ROOM_ROUNDS}`)
    got.off.push(await trial(ctx, 'off'))
    got.auto.push(await trial(ctx, 'auto'))
  }
  await storeWaitingRoomMode(ctx.redisUrl, ctx.keyPrefix, 'off')
  const off = summary(got.off.map((t) => t.ordersPerSecond))
  const rows = (['off', 'auto'] as const).map((mode) => {
    const s = summary(got[mode].map((t) => t.ordersPerSecond))
    const p99 = summary(got[mode].map((t) => t.p99Ms))
    const queued = got[mode].reduce((n, t) => n + t.queued, 0)
    return [mode, `${fmt(s.median)} [${fmt(s.min)}–${fmt(s.max)}]`, `${fmt(s.median / off.median, 2)}×`, `${fmt(p99.median)} [${fmt(p99.min)}–${fmt(p99.max)}]`, fmt(queued)]
  })
  return [
    `\n### Waiting room: hot-SKU checkout with the room off vs on but not engaged (${ROOM_BUYERS} buyers, ${ROOM_ROUNDS} interleaved rounds of ${ROOM_TRIAL_MS / 1000} s, median [min–max])\n`,
    markdownTable(['room', 'orders/s', '÷ off', 'p99 ms', 'QUEUED answers'], rows),
    `\n\`auto\` runs at the highest admission rate (${MAX_ADMISSION_RATE}/s), so every checkout pays the ENTER script and none waits.\n`,
  ].join('\n')
}
