/**
 * Test support for the waiting room over HTTP: a store on the run's database but a Redis key
 * prefix of its own (its line, settings and figures belong to the test alone), an admin client
 * for the /ops lever, shoppers, and time control through the line's own data (never sleeps):
 * the token bucket emptied or filled with its refill time in the future, a place's last poll or
 * admission moved into the past, its "poll after" moved to 0.
 */
import { redis } from '../server/platform/redis'
import { waitingRoomKeys } from '../server/waiting-room/waiting-room.keys'
import type { PollTicketOutput, QueuedAnswer, WaitingRoomMode } from '../server/waiting-room/waiting-room.schema'
import type { PlaceOrderOutput } from '../server/checkout/checkout.schema'
import { adminClient, startOpsStores, type OpsStores } from './test-ops'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper, type TrpcAnswer } from './test-shopper'

/** A refill time no test reaches: the bucket holds exactly what the test put in it. */
export const FAR_FUTURE_MS = 4_102_444_800_000

export type Lines = Array<{ productId: number; quantity: number }>

export interface WaitingRoomStore {
  url: string
  keyPrefix: string
  keys: ReturnType<typeof waitingRoomKeys>
  admin: TestShopper
  setMode(mode: WaitingRoomMode, admissionRatePerSecond?: number): Promise<void>
  /** Exactly `tokens` admissions available until the test changes it again. */
  setBucket(tokens: number): Promise<void>
  /** A new shopper with a session. */
  shopper(): Promise<TestShopper>
  close(): Promise<void>
}

export async function startWaitingRoomStore(label: string): Promise<WaitingRoomStore> {
  const stores: OpsStores = await startOpsStores(label, 1)
  const url = stores.stores[0]!.url
  const keys = waitingRoomKeys(stores.keyPrefix)
  const admin = await adminClient(url)
  return {
    url,
    keyPrefix: stores.keyPrefix,
    keys,
    admin,
    async setMode(mode, admissionRatePerSecond = 100) {
      const answer = await admin.mutate('ops.setWaitingRoom', { mode, admissionRatePerSecond })
      if (answer.status !== 200) throw new Error(`ops.setWaitingRoom answered ${answer.status}: ${JSON.stringify(answer.error)}`)
    },
    async setBucket(tokens) {
      await redis.hset(keys.bucket, { tokens, at: FAR_FUTURE_MS })
    },
    async shopper() {
      const s = new TestShopper(url)
      await s.query('cart.get')
      return s
    },
    close: () => stores.close(),
  }
}

/** The place id inside a ticket (read without verifying: the test only needs the id). */
export function ticketId(ticket: string): string {
  return (JSON.parse(Buffer.from(ticket.split('.')[0]!, 'base64url').toString('utf8')) as { id: string }).id
}

/** checkout.placeOrder with the test address. */
export function placeOrder(s: TestShopper, lines: Lines, extra: { idempotencyKey?: string; admissionTicket?: string } = {}): Promise<TrpcAnswer<PlaceOrderOutput>> {
  return s.mutate<PlaceOrderOutput>('checkout.placeOrder', { idempotencyKey: extra.idempotencyKey ?? newIdempotencyKey(), ...TEST_ADDRESS, lines, ...extra })
}

/** placeOrder that must answer QUEUED. */
export async function joinLine(s: TestShopper, lines: Lines, idempotencyKey?: string): Promise<QueuedAnswer> {
  const answer = await placeOrder(s, lines, idempotencyKey ? { idempotencyKey } : {})
  if (answer.data?.status !== 'QUEUED') throw new Error(`expected QUEUED, got ${answer.status} ${JSON.stringify(answer.data ?? answer.error)}`)
  return answer.data
}

export function poll(s: TestShopper, ticket: string): Promise<TrpcAnswer<PollTicketOutput>> {
  return s.query<PollTicketOutput>('checkout.pollTicket', { ticket })
}

/** Makes the place's next poll a real one (not early), without waiting for its pollAfterSeconds. */
export async function dueNow(store: WaitingRoomStore, ticket: string): Promise<void> {
  await redis.hset(store.keys.ticket(ticketId(ticket)), { pollAfterAt: 0 })
}
