/**
 * The waiting room's services and scripts against real Redis (through the run's gateway) and
 * against the embedded mode's emulation (ioredis-mock Lua through a gateway of its own), with
 * the same assertions. Each test gets a key prefix of its own. Time is controlled through the
 * data, never by sleeping: the token bucket is emptied or filled with its `at` in the future
 * (no refill during the test), a place's last poll or admission time is moved into the past,
 * and `pollAfterAt` is moved to 0 where a test needs a poll that is not early.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { Redis } from '@upstash/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startGateway, type Gateway } from '../gateway/gateway'
import { keys as cacheKeys } from '../platform/cache'
import { AppError } from '../platform/errors'
import { redis as appRedis } from '../platform/redis'
import { uniqueKeyPrefix } from '../../testing/test-services'
import { createWaitingRoom, type CheckoutAttempt } from './waiting-room.service'
import { createLine, MAX_PLACES_PER_CLIENT, type Line } from './waiting-room.line'
import { waitingRoomFigures } from './waiting-room-figures'
import { ADMISSION_VALID_MS, TICKET_IDLE_EXPIRY_MS, type PollTicketOutput, type QueuedAnswer, type WaitingRoomSettings } from './waiting-room.schema'
import { sessionBinding, verifyTicket } from './ticket-token'

const SECRET = 'x'.repeat(32) + '-waiting-room-service-test'
/** "Check out now" with no admission used. */
const GO = { status: 'GO', admission: null }
const FAR_FUTURE = 4_102_444_800_000 // 2100-01-01: the bucket never refills during a test

interface World {
  redis: Redis
  line: Line
  room: ReturnType<typeof createWaitingRoom>
  settings: WaitingRoomSettings
  inFlight: number
  scriptCalls: number
  /** Orders "placed" per `${sid}:${idempotencyKey}` (what checkout's idempotency records would say). */
  orders: Map<string, string>
}

function world(redis: Redis): World {
  const line = createLine({ redis, prefix: uniqueKeyPrefix('wr-unit') })
  const w: World = { redis, line, settings: { mode: 'on', admissionRatePerSecond: 100 }, inFlight: 0, scriptCalls: 0, orders: new Map(), room: undefined as never }
  // Counts script calls (mode off must make none).
  const counted = new Proxy(line, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        w.scriptCalls++
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
  w.room = createWaitingRoom({
    line: counted,
    settings: () => Promise.resolve(w.settings),
    inFlight: () => w.inFlight,
    secret: SECRET,
    orderOf: (s, key) => Promise.resolve(w.orders.get(`${s}:${key}`) ?? null),
  })
  return w
}

const attempt = (productIds: number[], extra: Partial<CheckoutAttempt> = {}): CheckoutAttempt => ({
  idempotencyKey: `key-${randomBytes(8).toString('hex')}`,
  lines: productIds.map((productId) => ({ productId, quantity: 1 })),
  ...extra,
})
const attemptOf = (lines: CheckoutAttempt['lines'], extra: Partial<CheckoutAttempt> = {}): CheckoutAttempt => ({
  idempotencyKey: `key-${randomBytes(8).toString('hex')}`,
  lines,
  ...extra,
})
// Product ids far beyond the seeded catalog: names fall back to the gate's or "Product {id}".
const pid = () => 900_000_000 + Math.floor(Math.random() * 90_000_000)
const sid = () => randomBytes(16).toString('hex')

/** A ticket's payload, read without verifying (the test only needs its id and seq). */
function payloadOf(ticket: string): { id: string; seq: number } {
  return JSON.parse(Buffer.from(ticket.split('.')[0]!, 'base64url').toString('utf8')) as { id: string; seq: number }
}

async function setBucket(w: World, tokens: number): Promise<void> {
  await w.redis.hset(w.line.keys.bucket, { tokens, at: FAR_FUTURE })
}
async function notEarly(w: World, ticket: string): Promise<void> {
  await w.redis.hset(w.line.keys.ticket(payloadOf(ticket).id), { pollAfterAt: 0 })
}
async function queue(w: World, session: string, productIds: number[]): Promise<QueuedAnswer> {
  const answer = await w.room.admitToCheckout(session, attempt(productIds))
  if (answer.status !== 'QUEUED') throw new Error('expected a QUEUED answer')
  return answer
}
/** A place admitted at once (a token in the bucket), then polled: ADMITTED. */
async function admitted(w: World, session: string, a: CheckoutAttempt): Promise<QueuedAnswer> {
  await setBucket(w, 1)
  const answer = await w.room.admitToCheckout(session, a)
  if (answer.status !== 'QUEUED') throw new Error('expected a QUEUED answer')
  expect((await w.room.pollTicket(session, answer.ticket)).state).toBe('ADMITTED')
  await setBucket(w, 0)
  return answer
}
async function rejects(p: Promise<unknown>, code: string): Promise<AppError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppError)
  expect((error as AppError).code).toBe(code)
  return error as AppError
}
/** Everything the line keeps about a place and the line itself (for "changes nothing"). */
async function snapshot(w: World, ticketId: string) {
  const k = w.line.keys
  return {
    place: await w.redis.hgetall(k.ticket(ticketId)),
    line: await w.redis.zrange(k.line, 0, -1, { withScores: true }),
    polls: await w.redis.zrange(k.polls, 0, -1, { withScores: true }),
    bucket: await w.redis.hgetall(k.bucket),
    admissions: await w.redis.get(k.admissions),
    ended: await w.redis.zrange(k.figEnded, 0, -1),
  }
}

function suite(name: string, redis: () => Redis) {
  describe(name, () => {
    it('mode off: checkout goes on with no call to the line', async () => {
      const w = world(redis())
      w.settings = { mode: 'off', admissionRatePerSecond: 100 }
      expect(await w.room.admitToCheckout(sid(), attempt([pid()]))).toEqual(GO)
      expect(w.scriptCalls).toBe(0)
    })

    it('auto: an empty line with a token goes on; no token, or saturation, queues', async () => {
      const w = world(redis())
      w.settings = { mode: 'auto', admissionRatePerSecond: 100 }
      expect(await w.room.admitToCheckout(sid(), attempt([pid()]))).toEqual(GO)
      await setBucket(w, 0)
      const waiting = sid()
      const queued = await queue(w, waiting, [pid()])
      expect(queued).toMatchObject({ status: 'QUEUED', position: 1, positionAtEntry: 1, lineLength: 1, estimatedWaitSeconds: 1 })
      // Fairness: tokens go to the line first; the next shopper only goes on once nobody waits.
      await setBucket(w, 1)
      const behind = sid()
      expect((await queue(w, behind, [pid()])).position).toBe(1)
      expect(await w.room.pollTicket(waiting, queued.ticket)).toMatchObject({ state: 'ADMITTED', admissionSeq: 1 })
      await setBucket(w, 2)
      expect(await w.room.admitToCheckout(sid(), attempt([pid()]))).toEqual(GO)

      const saturated = world(redis())
      saturated.settings = { mode: 'auto', admissionRatePerSecond: 100 }
      saturated.inFlight = 1_000
      await setBucket(saturated, 0)
      expect((await queue(saturated, sid(), [pid()])).status).toBe('QUEUED')
    })

    it('a second placeOrder from the same session (refresh, new tab) keeps the place', async () => {
      const w = world(redis())
      await setBucket(w, 0)
      const shopper = sid()
      await queue(w, sid(), [pid()])
      const first = await queue(w, shopper, [pid()])
      await queue(w, sid(), [pid()])
      const again = await queue(w, shopper, [pid()])
      expect(again.ticket).toBe(first.ticket)
      expect(again.position).toBe(2)
      expect(again.firstSeenAt).toBe(first.firstSeenAt)
      expect(again.lineLength).toBe(3)
    })

    it('an early poll changes nothing and says so', async () => {
      const w = world(redis())
      await setBucket(w, 0)
      const shopper = sid()
      const queued = await queue(w, shopper, [pid()])
      const id = verifyTicket(queued.ticket, shopper, SECRET).id
      // "Poll after" far ahead, so the poll is early however slow this machine is.
      await w.redis.hset(w.line.keys.ticket(id), { pollAfterAt: FAR_FUTURE })
      const before = await snapshot(w, id)
      const poll = await w.room.pollTicket(shopper, queued.ticket)
      expect(poll).toMatchObject({ state: 'WAITING', early: true, position: 1, ticket: queued.ticket })
      expect(await snapshot(w, id)).toEqual(before)
    })

    it('admission follows first-seen order', async () => {
      const w = world(redis())
      await setBucket(w, 0)
      const shoppers = [sid(), sid(), sid(), sid()]
      const tickets: string[] = []
      for (const s of shoppers) tickets.push((await queue(w, s, [pid()])).ticket)
      await setBucket(w, 4)
      // The last in line polls first; the line still admits in first-seen order.
      await notEarly(w, tickets[3]!)
      const last = await w.room.pollTicket(shoppers[3]!, tickets[3]!)
      expect(last.state).toBe('ADMITTED')
      const admitted: Array<Extract<PollTicketOutput, { state: 'ADMITTED' }>> = []
      for (const [i, s] of shoppers.entries()) {
        const answer = await w.room.pollTicket(s, tickets[i]!)
        if (answer.state !== 'ADMITTED') throw new Error(`shopper ${i} not admitted: ${answer.state}`)
        admitted.push(answer)
      }
      const bySeen = [...admitted].sort((a, b) => payloadOf(a.ticket).seq - payloadOf(b.ticket).seq)
      expect(bySeen.map((a) => a.admissionSeq)).toEqual([...bySeen.map((a) => a.admissionSeq)].sort((a, b) => a - b))
      expect(admitted.map((a) => a.admitUntil - a.admittedAt)).toEqual(Array(4).fill(ADMISSION_VALID_MS))
    })

    it('an expired place does not block the line: the one behind it is admitted', async () => {
      const w = world(redis())
      await setBucket(w, 0)
      const [gone, next] = [sid(), sid()]
      const a = await queue(w, gone, [pid()])
      const b = await queue(w, next, [pid()])
      const idA = verifyTicket(a.ticket, gone, SECRET).id
      await w.redis.zadd(w.line.keys.polls, { score: Date.now() - TICKET_IDLE_EXPIRY_MS - 5_000, member: idA })
      await setBucket(w, 1)
      await notEarly(w, b.ticket)
      expect((await w.room.pollTicket(next, b.ticket)).state).toBe('ADMITTED')
      await rejects(w.room.pollTicket(gone, a.ticket), 'TICKET_EXPIRED')
      expect(await w.redis.zcard(w.line.keys.line)).toBe(0)
    })

    it('a place polled too late expires on its own poll', async () => {
      const w = world(redis())
      await setBucket(w, 0)
      const s = sid()
      const a = await queue(w, s, [pid()])
      await w.redis.zadd(w.line.keys.polls, { score: Date.now() - TICKET_IDLE_EXPIRY_MS - 5_000, member: verifyTicket(a.ticket, s, SECRET).id })
      await notEarly(w, a.ticket)
      const error = await rejects(w.room.pollTicket(s, a.ticket), 'TICKET_EXPIRED')
      expect(error.message).toMatch(/place your order again/i)
    })

    it('a sellout tells every waiting shopper on their next poll, early or not, and releases the places', async () => {
      const w = world(redis())
      await setBucket(w, 0)
      const product = pid()
      const shoppers = [sid(), sid(), sid()]
      const tickets = []
      for (const s of shoppers) tickets.push((await queue(w, s, [product])).ticket)
      await w.redis.set(`${w.line.keys.gatePrefix}${product}`, 'Doorbuster TV')
      for (const [i, s] of shoppers.entries()) {
        const answer = await w.room.pollTicket(s, tickets[i]!)
        expect(answer).toEqual({ state: 'SOLD_OUT', ticket: tickets[i], items: [{ productId: product, name: 'Doorbuster TV', available: false }] })
      }
      expect(await w.redis.zcard(w.line.keys.line)).toBe(0)
    })

    it('a partial sellout names the item and keeps the place', async () => {
      const w = world(redis())
      await setBucket(w, 0)
      const [gone, kept] = [pid(), pid()]
      const s = sid()
      const queued = await queue(w, s, [gone, kept])
      await w.redis.set(`${w.line.keys.gatePrefix}${gone}`, 'Gone Gadget')
      const answer = await w.room.pollTicket(s, queued.ticket)
      expect(answer.state).toBe('WAITING')
      expect(answer.items).toEqual([
        { productId: gone, name: 'Gone Gadget', available: false },
        { productId: kept, name: `Product ${kept}`, available: true },
      ])
      expect(await w.redis.zcard(w.line.keys.line)).toBe(1)
    })

    it('a closed gate on entry sends checkout straight on (its refusal is cheap)', async () => {
      const w = world(redis())
      await setBucket(w, 0)
      const product = pid()
      await w.redis.set(`${w.line.keys.gatePrefix}${product}`, 'Gone')
      expect(await w.room.admitToCheckout(sid(), attempt([product]))).toEqual(GO)
      expect(await w.redis.zcard(w.line.keys.line)).toBe(0)
    })

    it('an admitted ticket admits one checkout: the same key again passes, another key is refused', async () => {
      const w = world(redis())
      await setBucket(w, 0)
      const s = sid()
      const product = pid()
      const queued = await queue(w, s, [product])
      // Used before admission: the place again, not an error.
      expect(await w.room.admitToCheckout(s, attempt([product], { admissionTicket: queued.ticket }))).toMatchObject({ status: 'QUEUED', ticket: queued.ticket })
      await setBucket(w, 1)
      await notEarly(w, queued.ticket)
      expect((await w.room.pollTicket(s, queued.ticket)).state).toBe('ADMITTED')
      await rejects(w.room.admitToCheckout(sid(), attempt([product], { admissionTicket: queued.ticket })), 'TICKET_NOT_YOURS')
      const used = attempt([product], { admissionTicket: queued.ticket })
      expect(await w.room.admitToCheckout(s, used)).toEqual({ status: 'GO', admission: { id: payloadOf(queued.ticket).id, binding: verifyTicket(queued.ticket, s, SECRET).s, idempotencyKey: used.idempotencyKey } })
      // The retry did not use the place (the first call did): nothing of its own to give back.
      expect(await w.room.admitToCheckout(s, used)).toEqual(GO)
      await rejects(w.room.admitToCheckout(s, { ...used, idempotencyKey: 'another-key-0000001' }), 'TICKET_USED')
      // A poll of the used place (another tab) is not an error: still ADMITTED, and once the
      // call's order is placed, with its id (the page shows the order).
      const usedPoll = await w.room.pollTicket(s, queued.ticket)
      expect(usedPoll).toMatchObject({ state: 'ADMITTED', ticket: queued.ticket })
      expect(usedPoll).not.toHaveProperty('orderId')
      const orderId = randomUUID()
      w.orders.set(`${s}:${used.idempotencyKey}`, orderId)
      expect(await w.room.pollTicket(s, queued.ticket)).toMatchObject({ state: 'ADMITTED', ticket: queued.ticket, orderId })
      // The session's next checkout is a new place, not the used one.
      await setBucket(w, 0)
      expect((await queue(w, s, [product])).ticket).not.toBe(queued.ticket)
    })

    it('an admission not used in time expires', async () => {
      const w = world(redis())
      await setBucket(w, 1)
      const s = sid()
      const product = pid()
      const queued = await queue(w, s, [product])
      await w.redis.hset(w.line.keys.ticket(verifyTicket(queued.ticket, s, SECRET).id), { admittedAt: Date.now() - ADMISSION_VALID_MS - 5_000 })
      await rejects(w.room.admitToCheckout(s, attempt([product], { admissionTicket: queued.ticket })), 'TICKET_EXPIRED')
    })

    it('an admission nobody uses is swept by the next advance and counted as abandoned', async () => {
      const w = world(redis())
      await setBucket(w, 1)
      const s = sid()
      const queued = await queue(w, s, [pid()])
      const id = verifyTicket(queued.ticket, s, SECRET).id
      expect(await w.redis.zscore(w.line.keys.admitted, id)).not.toBeNull()
      await w.redis.zadd(w.line.keys.admitted, { score: Date.now() - ADMISSION_VALID_MS - 5_000, member: id })
      await setBucket(w, 0)
      await queue(w, sid(), [pid()])
      expect(await w.redis.hget(w.line.keys.ticket(id), 'state')).toBe('expired')
      expect(await w.redis.zscore(w.line.keys.admitted, id)).toBeNull()
      expect(await w.redis.exists(w.line.keys.session(verifyTicket(queued.ticket, s, SECRET).s))).toBe(0)
    })

    it('an admitted ticket only admits the products its place was for', async () => {
      const w = world(redis())
      await setBucket(w, 1)
      const s = sid()
      const queued = await queue(w, s, [pid()])
      await rejects(w.room.admitToCheckout(s, attempt([pid()], { admissionTicket: queued.ticket })), 'BAD_INPUT')
    })

    it('switched off: a poll that is not early admits everybody in line at once', async () => {
      const w = world(redis())
      await setBucket(w, 0)
      const shoppers = [sid(), sid(), sid(), sid()]
      const places: QueuedAnswer[] = []
      for (const s of shoppers) places.push(await queue(w, s, [pid()]))
      w.settings = { mode: 'off', admissionRatePerSecond: 100 }
      // The last in line polls: the bucket is empty, yet the whole line is admitted, in order.
      await notEarly(w, places[3]!.ticket)
      expect(await w.room.pollTicket(shoppers[3]!, places[3]!.ticket)).toMatchObject({ state: 'ADMITTED', admissionSeq: 4 })
      expect(await w.redis.zcard(w.line.keys.line)).toBe(0)
      const seqs = []
      for (const [i, s] of shoppers.slice(0, 3).entries()) {
        const answer = await w.room.pollTicket(s, places[i]!.ticket)
        if (answer.state !== 'ADMITTED') throw new Error(`shopper ${i}: ${answer.state}`)
        seqs.push(answer.admissionSeq)
      }
      expect(seqs).toEqual([1, 2, 3])
      // Tokens are not spent by the off switch.
      expect(Number(await w.redis.hget(w.line.keys.bucket, 'tokens'))).toBe(0)
    })

    it('switched off: an early poll still changes nothing, and a ticket still waiting admits its checkout', async () => {
      const w = world(redis())
      await setBucket(w, 0)
      const [first, second] = [sid(), sid()]
      const a = await queue(w, first, [pid()])
      const b = await queue(w, second, [pid()])
      w.settings = { mode: 'off', admissionRatePerSecond: 100 }
      const idA = payloadOf(a.ticket).id
      await w.redis.hset(w.line.keys.ticket(idA), { pollAfterAt: FAR_FUTURE })
      const before = await snapshot(w, idA)
      expect(await w.room.pollTicket(first, a.ticket)).toMatchObject({ state: 'WAITING', early: true })
      expect(await snapshot(w, idA)).toEqual(before)
      // The second shopper's page sends the admitted call before any poll admitted it: the line is
      // admitted at once and the call uses its place (not left behind in the line).
      const go = await w.room.admitToCheckout(second, attempt(b.items.map((i) => i.productId), { admissionTicket: b.ticket }))
      expect(go).toMatchObject({ status: 'GO', admission: { id: payloadOf(b.ticket).id } })
      expect(await w.redis.hget(w.line.keys.ticket(payloadOf(b.ticket).id), 'state')).toBe('used')
      expect(await w.redis.zcard(w.line.keys.line)).toBe(0)
      expect((await w.room.pollTicket(first, a.ticket)).state).toBe('ADMITTED')
    })

    it('an admitted checkout that placed no order gives the admission back, same admitUntil', async () => {
      const w = world(redis())
      const s = sid()
      const product = pid()
      const place = await admitted(w, s, attempt([product]))
      const id = payloadOf(place.ticket).id
      const before = await w.redis.hgetall<Record<string, string>>(w.line.keys.ticket(id))
      const first = attempt([product], { admissionTicket: place.ticket })
      const go = await w.room.admitToCheckout(s, first)
      if (go.status !== 'GO' || !go.admission) throw new Error('expected GO with the admission used')
      expect(await w.redis.hget(w.line.keys.ticket(id), 'state')).toBe('used')
      // The checkout was refused (say, the price changed): the admission is the shopper's again.
      expect(await w.room.giveBack(go.admission)).toBe(true)
      const after = await w.redis.hgetall<Record<string, string>>(w.line.keys.ticket(id))
      expect(after).toMatchObject({ state: 'admitted', admittedAt: before!.admittedAt, admissionSeq: before!.admissionSeq })
      expect(after!.usedKey).toBeUndefined()
      expect(await w.redis.zscore(w.line.keys.admitted, id)).toBe(Number(before!.admittedAt))
      const polled = await w.room.pollTicket(s, place.ticket)
      if (polled.state !== 'ADMITTED') throw new Error(`expected ADMITTED, got ${polled.state}`)
      expect(polled.admitUntil).toBe(Number(before!.admittedAt) + ADMISSION_VALID_MS)
      // Giving back twice, or for another key, changes nothing.
      expect(await w.room.giveBack(go.admission)).toBe(false)
      // The retry with a new key and the ticket uses it again.
      const retry = await w.room.admitToCheckout(s, attempt([product], { admissionTicket: place.ticket }))
      expect(retry).toMatchObject({ status: 'GO', admission: { id } })
    })

    it('a resubmit with a new key and no ticket uses the session’s admitted place: it goes straight on, ahead of later shoppers', async () => {
      const w = world(redis())
      const s = sid()
      const product = pid()
      const place = await admitted(w, s, attempt([product]))
      const id = payloadOf(place.ticket).id
      const go = await w.room.admitToCheckout(s, attempt([product], { admissionTicket: place.ticket }))
      if (go.status !== 'GO' || !go.admission) throw new Error('expected GO with the admission used')
      expect(await w.room.giveBack(go.admission)).toBe(true)
      // Somebody queued meanwhile (the bucket is empty).
      await queue(w, sid(), [pid()])
      const resubmit = attempt([product])
      const again = await w.room.admitToCheckout(s, resubmit)
      expect(again).toEqual({ status: 'GO', admission: { id, binding: verifyTicket(place.ticket, s, SECRET).s, idempotencyKey: resubmit.idempotencyKey } })
      expect(await w.redis.hgetall(w.line.keys.ticket(id))).toMatchObject({ state: 'used', usedKey: resubmit.idempotencyKey })
      expect(await w.redis.zcard(w.line.keys.line)).toBe(1)
      // Used now: the session's next checkout joins the line as a new place.
      expect((await queue(w, s, [product])).ticket).not.toBe(place.ticket)
    })

    it('a key the store has already seen goes straight on: no token, no place', async () => {
      const w = world(redis())
      await setBucket(w, 0)
      await queue(w, sid(), [pid()])
      const s = sid()
      const repeat = attempt([pid()])
      await w.redis.set(cacheKeys.idempotency(s, repeat.idempotencyKey), JSON.stringify({ state: 'pending', hash: 'h' }), { ex: 60 })
      const before = await snapshot(w, 'none')
      expect(await w.room.admitToCheckout(s, repeat)).toEqual(GO)
      expect(await snapshot(w, 'none')).toEqual(before)
      expect(await w.redis.exists(w.line.keys.session(sessionBinding(s, SECRET)))).toBe(0)
    })

    it('a repeat of a seen key with its ticket goes on, even once the place is gone', async () => {
      const w = world(redis())
      const s = sid()
      const product = pid()
      const place = await admitted(w, s, attempt([product]))
      const repeat = attempt([product], { admissionTicket: place.ticket })
      await w.redis.set(cacheKeys.idempotency(s, repeat.idempotencyKey), JSON.stringify({ state: 'pending', hash: 'h' }), { ex: 60 })
      // The place's record is gone (its TTL passed, say): the ticket alone would be TICKET_EXPIRED.
      await w.redis.del(w.line.keys.ticket(payloadOf(place.ticket).id))
      expect(await w.room.admitToCheckout(s, repeat)).toEqual(GO)
      await rejects(w.room.admitToCheckout(s, { ...repeat, idempotencyKey: `key-${randomBytes(8).toString('hex')}` }), 'TICKET_EXPIRED')
    })

    it('an admission covers the queued lines and quantities: fewer passes, more is BAD_INPUT', async () => {
      const w = world(redis())
      const [a, b, other] = [pid(), pid(), pid()]
      const s = sid()
      const place = await admitted(w, s, attemptOf([{ productId: a, quantity: 2 }, { productId: b, quantity: 1 }]))
      const ticket = { admissionTicket: place.ticket }
      for (const lines of [[{ productId: a, quantity: 3 }], [{ productId: a, quantity: 1 }, { productId: other, quantity: 1 }], [{ productId: b, quantity: 2 }]]) {
        const error = await rejects(w.room.admitToCheckout(s, attemptOf(lines, ticket)), 'BAD_INPUT')
        expect(error.message).toMatch(/quantities/)
      }
      // Refusals used nothing: fewer lines and units (the rest sold out, say) pass.
      expect(await w.redis.hget(w.line.keys.ticket(payloadOf(place.ticket).id), 'state')).toBe('admitted')
      expect(await w.room.admitToCheckout(s, attemptOf([{ productId: a, quantity: 1 }], ticket))).toMatchObject({ status: 'GO', admission: { id: payloadOf(place.ticket).id } })
    })

    it('without a ticket, an admitted place does not stretch to a bigger cart: the bigger cart joins the line', async () => {
      const w = world(redis())
      const product = pid()
      const s = sid()
      const place = await admitted(w, s, attemptOf([{ productId: product, quantity: 1 }]))
      await queue(w, sid(), [pid()])
      const bigger = await w.room.admitToCheckout(s, attemptOf([{ productId: product, quantity: 5 }]))
      if (bigger.status !== 'QUEUED') throw new Error('expected QUEUED')
      expect(bigger.ticket).not.toBe(place.ticket)
      expect(bigger.position).toBe(2)
      await rejects(w.room.admitToCheckout(s, attemptOf([{ productId: product, quantity: 1 }], { admissionTicket: place.ticket })), 'TICKET_EXPIRED')
    })

    it('an order checkout would refuse gets its error, not a place: nothing joins, no token is taken', async () => {
      const w = world(redis())
      await setBucket(w, 0)
      const refusal = () => Promise.resolve(new AppError('NOT_FOUND', 'Not for sale: product 1'))
      const error = await rejects(w.room.admitToCheckout(sid(), attempt([pid()]), { refusal }), 'NOT_FOUND')
      expect(error.message).toBe('Not for sale: product 1')
      expect(await w.redis.zcard(w.line.keys.line)).toBe(0)
      expect(Number(await w.redis.hget(w.line.keys.bucket, 'tokens'))).toBe(0)
      // A repeat of a key the store has seen still goes on (the normal path replays its answer).
      const s = sid()
      const seen = attempt([pid()])
      await w.redis.set(cacheKeys.idempotency(s, seen.idempotencyKey), '{"state":"pending","hash":"h"}')
      expect(await w.room.admitToCheckout(s, seen, { refusal })).toEqual(GO)
    })

    it('checkout\'s cheap checks run only for a call that would wait: one that goes on now is checked by checkout itself', async () => {
      const w = world(redis())
      w.settings = { ...w.settings, mode: 'auto' }
      let checks = 0
      const refusal = () => {
        checks++
        return Promise.resolve(null)
      }
      await setBucket(w, 1)
      expect(await w.room.admitToCheckout(sid(), attempt([pid()]), { refusal })).toEqual(GO)
      expect(checks).toBe(0)
      // The bucket is empty now: the next call would wait, so its order is checked before it joins.
      const queued = await w.room.admitToCheckout(sid(), attempt([pid()]), { refusal })
      expect(queued.status).toBe('QUEUED')
      expect(checks).toBe(1)
      // A session already waiting that submits again (a new tab): checked again for the cart it sends now.
      await setBucket(w, 0)
      const s = sid()
      const first = await w.room.admitToCheckout(s, attempt([pid()]), { refusal })
      const refused = () => Promise.resolve(new AppError('CONFLICT', 'The total is now $50.00'))
      await rejects(w.room.admitToCheckout(s, attempt([pid()]), { refusal: refused }), 'CONFLICT')
      expect(first.status).toBe('QUEUED')
      expect(await w.redis.zcard(w.line.keys.line)).toBe(2)
    })

    it(`one client holds at most ${MAX_PLACES_PER_CLIENT} live places over all its sessions: then RATE_LIMITED with a retry hint`, async () => {
      const w = world(redis())
      await setBucket(w, 0)
      const client = `10.9.8.${Math.floor(Math.random() * 250)}`
      const tickets: Array<{ s: string; ticket: string }> = []
      for (let i = 0; i < MAX_PLACES_PER_CLIENT; i++) {
        const s = sid()
        const a = await w.room.admitToCheckout(s, attempt([pid()]), { client })
        if (a.status !== 'QUEUED') throw new Error('expected QUEUED')
        tickets.push({ s, ticket: a.ticket })
      }
      const full = await rejects(w.room.admitToCheckout(sid(), attempt([pid()]), { client }), 'RATE_LIMITED')
      expect(full.httpStatus).toBe(429)
      expect(full.retryAfterSeconds).toBeGreaterThan(0)
      expect(full.message).toMatch(/Too many shoppers from your network/)
      expect(await w.redis.zcard(w.line.keys.line)).toBe(MAX_PLACES_PER_CLIENT)
      // Another client, and no client at all, are not capped by it.
      expect((await w.room.admitToCheckout(sid(), attempt([pid()]), { client: '10.9.9.9' })).status).toBe('QUEUED')
      expect((await w.room.admitToCheckout(sid(), attempt([pid()]))).status).toBe('QUEUED')
      // A place ends (left): the client may take one again.
      await w.room.leaveLine(tickets[0]!.s, tickets[0]!.ticket)
      expect((await w.room.admitToCheckout(sid(), attempt([pid()]), { client })).status).toBe('QUEUED')
    })

    it('the ended-places figures count an admission that expired unused once, as abandoned', async () => {
      const w = world(redis())
      const prefix = w.line.keys.line.slice(0, -'wr:line'.length)
      const used = sid()
      const idle = sid()
      const usedAttempt = attempt([pid()])
      const usedPlace = await admitted(w, used, usedAttempt)
      const idlePlace = await admitted(w, idle, attempt([pid()]))
      expect((await w.room.admitToCheckout(used, { ...usedAttempt, admissionTicket: usedPlace.ticket })).status).toBe('GO')
      // The idle shopper's admission runs out; the next arrival's advance sweeps it.
      const idleId = payloadOf(idlePlace.ticket).id
      const past = Date.now() - ADMISSION_VALID_MS - 10_000
      await w.redis.hset(w.line.keys.ticket(idleId), { admittedAt: past })
      await w.redis.zadd(w.line.keys.admitted, { score: past, member: idleId })
      await queue(w, sid(), [pid()])
      const figures = await waitingRoomFigures(undefined, { redis: w.redis, prefix })
      expect(figures).toMatchObject({ lineLength: 1, abandoned: 1, abandonRate: 0.5 })
    })

    it('leaving releases the place; the one behind moves up', async () => {
      const w = world(redis())
      await setBucket(w, 0)
      const [first, second] = [sid(), sid()]
      const a = await queue(w, first, [pid()])
      const b = await queue(w, second, [pid()])
      expect(await w.room.leaveLine(first, a.ticket)).toEqual({ left: true })
      expect(await w.room.leaveLine(first, a.ticket)).toEqual({ left: true })
      await rejects(w.room.leaveLine(sid(), b.ticket), 'TICKET_NOT_YOURS')
      await notEarly(w, b.ticket)
      expect(await w.room.pollTicket(second, b.ticket)).toMatchObject({ state: 'WAITING', position: 1, positionAtEntry: 2, lineLength: 1 })
      await rejects(w.room.pollTicket(first, a.ticket), 'TICKET_EXPIRED')
    })
  })
}

suite('real Redis through the gateway', () => appRedis)

const token = randomBytes(24).toString('hex')
let gateway: Gateway | undefined
let emulated: Redis | undefined
beforeAll(async () => {
  gateway = await startGateway({ port: 0, emulateRedis: true, token })
  emulated = new Redis({ url: gateway.url, token, retry: { retries: 0 } })
})
afterAll(async () => {
  await gateway?.close()
})
suite('the embedded emulation (ioredis-mock Lua)', () => emulated!)
