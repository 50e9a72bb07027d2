/**
 * What the waiting room costs a checkout when it is on but not engaged: hot-SKU checkout over
 * HTTP with the room `off` (no Redis call for the room) vs `auto` at the highest admission rate
 * (every checkout runs the ENTER script, finds nobody waiting and a token left, and goes on),
 * interleaved (off, auto, off, auto …) on one store, so drift hits both alike. Counts placed
 * orders and QUEUED answers apart: a QUEUED 200 is not an order. BUYERS stays below
 * MAX_IN_FLIGHT_CHECKOUTS so the in-flight saturation signal does not engage either.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { SETTINGS_MAX_AGE_MS } from '../server/platform/runtime-settings'
import { MAX_IN_FLIGHT_CHECKOUTS } from '../server/waiting-room/checkout-in-flight'
import { MAX_ADMISSION_RATE, type WaitingRoomMode } from '../server/waiting-room/waiting-room.schema'
import { storeWaitingRoomMode } from '../testing/waiting-room-mode'
import { ours, type CheckoutResult } from './hot-sku'
import { fmt, markdownTable, summary } from './stats'

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

async function trial(ctx: WaitingRoomCostContext, mode: WaitingRoomMode): Promise<CheckoutResult> {
  await storeWaitingRoomMode(ctx.redisUrl, ctx.keyPrefix, mode, MAX_ADMISSION_RATE)
  // Every instance's in-process copy of the settings is at most this old.
  await sleep(SETTINGS_MAX_AGE_MS + 500)
  return ours(ctx.storeUrl, ctx.productId, ctx.sessions, ROOM_BUYERS, ROOM_TRIAL_MS)
}

/** Runs the pair and returns its markdown section; leaves the room `off` as the bench found it. */
export async function runWaitingRoomCost(ctx: WaitingRoomCostContext): Promise<string> {
  const got: Record<'off' | 'auto', CheckoutResult[]> = { off: [], auto: [] }
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
