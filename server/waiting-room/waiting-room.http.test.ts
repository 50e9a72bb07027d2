/**
 * The waiting room over real HTTP: a store on the run's database and a Redis key prefix of its
 * own (testing/test-waiting-room.ts), real Redis through the run's gateway, real checkouts. Time
 * is controlled through the line's data (bucket, last poll, admission time, poll-after), never by
 * sleeping; every assertion is on answers and stored state, none on durations.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createProduct, sql, stockAndSold } from '../../testing/checkout-fixtures'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper } from '../../testing/test-shopper'
import { dueNow, FAR_FUTURE_MS, joinLine, placeOrder, poll, startWaitingRoomStore, ticketId, type WaitingRoomStore } from '../../testing/test-waiting-room'
import { deleteKeysWithPrefix } from '../../testing/test-services'
import { env } from '../env'
import { redis } from '../platform/redis'
import type { PlaceOrderOutput } from '../checkout/checkout.schema'
import { MAX_PRICE_CENTS } from '../catalog/catalog.schema'
import { MAX_QUANTITY_PER_LINE } from '../cart/cart.schema'
import { MAX_PLACES_PER_CLIENT } from './waiting-room.line'
import { ADMISSION_VALID_MS, TICKET_IDLE_EXPIRY_MS, type WaitingRoomFigures } from './waiting-room.schema'

let store: WaitingRoomStore

beforeAll(async () => {
  store = await startWaitingRoomStore('waiting-room')
})
afterAll(async () => {
  await store?.close()
})
// Each test starts with an empty line (and bucket, counters, figures) on the store's prefix.
beforeEach(async () => {
  await deleteKeysWithPrefix(env.REDIS_URL, `${store.keyPrefix}wr:`)
})

/** Everything the line keeps about one place and the line itself. */
async function lineState(id: string) {
  const k = store.keys
  const [place, line, polls, bucket, admissions, ended, ttlMs] = await Promise.all([
    redis.hgetall(k.ticket(id)),
    redis.zrange(k.line, 0, -1, { withScores: true }),
    redis.zrange(k.polls, 0, -1, { withScores: true }),
    redis.hgetall(k.bucket),
    redis.get(k.admissions),
    redis.zrange(k.figEnded, 0, -1),
    redis.pttl(k.ticket(id)),
  ])
  // The TTL ticks down on its own; a refresh would show as a jump, so compare it coarsely.
  return { place, line, polls, bucket, admissions, ended, ttlMinutes: Math.round(ttlMs / 60_000) }
}

describe('waiting room over HTTP', () => {
  it('mode off: checkout places the order and the line is never touched', async () => {
    await store.setMode('off')
    const product = await createProduct({ stock: 5 })
    const s = await store.shopper()
    const answer = await placeOrder(s, [{ productId: product, quantity: 1 }])
    expect(answer.status).toBe(200)
    expect(answer.data?.status).toBe('PENDING_PAYMENT')
    const written = await Promise.all([store.keys.line, store.keys.bucket, store.keys.seq, store.keys.polls].map((key) => redis.exists(key)))
    expect(written).toEqual([0, 0, 0, 0])
  })

  it('forged, garbled, other-session and expired tickets get a clear 4xx with their appCode', async () => {
    await store.setMode('on')
    await store.setBucket(0)
    const product = await createProduct({ stock: 5 })
    const owner = await store.shopper()
    const queued = await joinLine(owner, [{ productId: product, quantity: 1 }])
    const [body, sig] = queued.ticket.split('.') as [string, string]
    const genuine = JSON.parse(Buffer.from(body, 'base64url').toString()) as { seq: number }
    // A place far ahead in line, with the genuine signature.
    const forged = `${Buffer.from(JSON.stringify({ ...genuine, seq: genuine.seq + 1_000 })).toString('base64url')}.${sig}`

    const stranger = await store.shopper()
    const cases = [
      { who: owner, ticket: forged, status: 400, appCode: 'TICKET_INVALID' },
      { who: owner, ticket: 'abc.def', status: 400, appCode: 'TICKET_INVALID' },
      { who: stranger, ticket: queued.ticket, status: 403, appCode: 'TICKET_NOT_YOURS' },
    ]
    for (const c of cases) {
      const polled = await poll(c.who, c.ticket)
      expect([polled.status, polled.error?.appCode], c.appCode).toEqual([c.status, c.appCode])
      const placed = await placeOrder(c.who, [{ productId: product, quantity: 1 }], { admissionTicket: c.ticket })
      expect([placed.status, placed.error?.appCode], c.appCode).toEqual([c.status, c.appCode])
      expect(placed.error?.message).toMatch(/place your order again/i)
    }
    // Not a ticket at all: the schema's 400.
    expect((await poll(owner, 'no dots here')).status).toBe(400)

    // Expired: not polled for longer than the idle expiry.
    await redis.zadd(store.keys.polls, { score: Date.now() - TICKET_IDLE_EXPIRY_MS - 10_000, member: ticketId(queued.ticket) })
    await dueNow(store, queued.ticket)
    const expired = await poll(owner, queued.ticket)
    expect([expired.status, expired.error?.appCode]).toEqual([404, 'TICKET_EXPIRED'])
    expect(expired.error?.message).toMatch(/place your order again to rejoin/i)
    // The same session places the order again: a new place.
    const rejoined = await joinLine(owner, [{ productId: product, quantity: 1 }])
    expect(rejoined.ticket).not.toBe(queued.ticket)
  })

  it('an early poll changes nothing: the same answer, the same Redis state', async () => {
    await store.setMode('on')
    await store.setBucket(0)
    const product = await createProduct({ stock: 5 })
    const s = await store.shopper()
    const queued = await joinLine(s, [{ productId: product, quantity: 1 }])
    const id = ticketId(queued.ticket)
    // "Poll after" far ahead, so both polls are early however slow this machine is.
    await redis.hset(store.keys.ticket(id), { pollAfterAt: FAR_FUTURE_MS })
    const before = await lineState(id)
    const first = await poll(s, queued.ticket)
    const second = await poll(s, queued.ticket)
    expect(first.status).toBe(200)
    expect(first.data).toMatchObject({ state: 'WAITING', early: true, ticket: queued.ticket, position: queued.position })
    expect(second.data).toEqual(first.data)
    expect(await lineState(id)).toEqual(before)
  })

  it('a second placeOrder from the same session (refresh, new tab) keeps the place', async () => {
    await store.setMode('on')
    await store.setBucket(0)
    const product = await createProduct({ stock: 5 })
    const s = await store.shopper()
    const first = await joinLine(s, [{ productId: product, quantity: 1 }])
    await joinLine(await store.shopper(), [{ productId: product, quantity: 1 }])
    const again = await joinLine(s, [{ productId: product, quantity: 1 }], newIdempotencyKey())
    expect(again).toMatchObject({ ticket: first.ticket, position: first.position, firstSeenAt: first.firstSeenAt })
    expect(again.lineLength).toBe(first.lineLength + 1)
  })

  it('admission follows first-seen order, and an expired place does not block the line', async () => {
    await store.setMode('on')
    await store.setBucket(0)
    const product = await createProduct({ stock: 50 })
    const shoppers = await Promise.all(Array.from({ length: 5 }, () => store.shopper()))
    const tickets: string[] = []
    for (const s of shoppers) tickets.push((await joinLine(s, [{ productId: product, quantity: 1 }])).ticket)
    // The second in line walked away long ago.
    await redis.zadd(store.keys.polls, { score: Date.now() - TICKET_IDLE_EXPIRY_MS - 10_000, member: ticketId(tickets[1]!) })
    await store.setBucket(3)
    // The last in line polls first: the three admitted are the first, third and fourth.
    await dueNow(store, tickets[4]!)
    const last = await poll(shoppers[4]!, tickets[4]!)
    expect(last.data).toMatchObject({ state: 'WAITING', position: 1 })
    const answers = await Promise.all(shoppers.map((s, i) => poll(s, tickets[i]!)))
    expect(answers.map((a) => a.data?.state ?? a.error?.appCode)).toEqual(['ADMITTED', 'TICKET_EXPIRED', 'ADMITTED', 'ADMITTED', 'WAITING'])
    const seqs = [0, 2, 3].map((i) => {
      const a = answers[i]!.data
      if (a?.state !== 'ADMITTED') throw new Error('not admitted')
      expect(a.admitUntil - a.admittedAt).toBe(ADMISSION_VALID_MS)
      return a.admissionSeq
    })
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))

    const figures = await store.admin.query<WaitingRoomFigures>('ops.waitingRoom')
    expect(figures.status).toBe(200)
    expect(figures.data).toMatchObject({ settings: { mode: 'on' }, lineLength: 1 })
    expect(figures.data!.abandoned).toBeGreaterThanOrEqual(1)
    expect(figures.data!.waitP95Ms).not.toBeNull()
  })

  it('the admitted call places the order with its cart and idempotency key; a replay with another key is refused', async () => {
    await store.setMode('on')
    await store.setBucket(0)
    const product = await createProduct({ stock: 5, priceCents: 2500 })
    const s = await store.shopper()
    const key = newIdempotencyKey()
    const lines = [{ productId: product, quantity: 2 }]
    const queued = await joinLine(s, lines, key)
    expect(queued.items).toEqual([{ productId: product, name: expect.any(String) as string, available: true }])
    await store.setBucket(1)
    await dueNow(store, queued.ticket)
    expect((await poll(s, queued.ticket)).data?.state).toBe('ADMITTED')

    const placed = await placeOrder(s, lines, { idempotencyKey: key, admissionTicket: queued.ticket })
    expect(placed.status).toBe(200)
    if (placed.data?.status !== 'PENDING_PAYMENT') throw new Error(`not placed: ${JSON.stringify(placed.data ?? placed.error)}`)
    expect(placed.data.totalCents).toBe(5000)
    const [row] = await sql<{ idempotencyKey: string; email: string }>('SELECT "idempotencyKey", email FROM "Order" WHERE id = $1', [placed.data.orderId])
    expect(row).toEqual({ idempotencyKey: key, email: TEST_ADDRESS.email })

    // A retry of the same call (same key, same ticket) is the same order.
    const retry = await placeOrder(s, lines, { idempotencyKey: key, admissionTicket: queued.ticket })
    expect(retry.data).toEqual(placed.data)
    // The used ticket with another key: refused, nothing sold.
    const replay = await placeOrder(s, lines, { idempotencyKey: newIdempotencyKey(), admissionTicket: queued.ticket })
    expect([replay.status, replay.error?.appCode]).toEqual([409, 'TICKET_USED'])
    expect((await stockAndSold([product])).get(product)).toMatchObject({ stock: 3, sold: 2, orders: 1 })
  })

  it('a sellout notifies every waiting shopper on their next poll, early or not', async () => {
    await store.setMode('on')
    await store.setBucket(0)
    const product = await createProduct({ stock: 1, hot: true, name: 'Last Console' })
    const buyer = await store.shopper()
    const buyerPlace = await joinLine(buyer, [{ productId: product, quantity: 1 }])
    const waiting = await Promise.all(Array.from({ length: 4 }, () => store.shopper()))
    const tickets: string[] = []
    for (const s of waiting) tickets.push((await joinLine(s, [{ productId: product, quantity: 1 }])).ticket)

    // The first in line is admitted and buys the last unit: the gate closes after the commit.
    await store.setBucket(1)
    await dueNow(store, buyerPlace.ticket)
    expect((await poll(buyer, buyerPlace.ticket)).data?.state).toBe('ADMITTED')
    const bought = await placeOrder(buyer, [{ productId: product, quantity: 1 }], { admissionTicket: buyerPlace.ticket })
    expect(bought.data?.status).toBe('PENDING_PAYMENT')

    // Every waiting shopper's very next poll says SOLD_OUT — early polls included.
    const answers = await Promise.all(waiting.map((s, i) => poll(s, tickets[i]!)))
    for (const a of answers) expect(a.data).toMatchObject({ state: 'SOLD_OUT', items: [{ productId: product, name: 'Last Console', available: false }] })
    expect(await redis.zcard(store.keys.line)).toBe(0)
  })

  it('a multi-item cart with one item sold out names it and keeps the place', async () => {
    await store.setMode('on')
    await store.setBucket(0)
    const gone = await createProduct({ stock: 1, name: 'Gone Gadget' })
    const kept = await createProduct({ stock: 10, name: 'Kept Kettle' })
    const s = await store.shopper()
    const queued = await joinLine(s, [
      { productId: gone, quantity: 1 },
      { productId: kept, quantity: 1 },
    ])
    // The Gadget sells out while the shopper waits (the admin's stop-selling lever closes its gate as a last sale would).
    const stop = await store.admin.mutate('inventory.stopSelling', { productId: gone })
    expect(stop.status, JSON.stringify(stop.error)).toBe(200)
    const answer = await poll(s, queued.ticket)
    expect(answer.data).toMatchObject({
      state: 'WAITING',
      items: [
        { productId: gone, name: 'Gone Gadget', available: false },
        { productId: kept, name: 'Kept Kettle', available: true },
      ],
    })
    expect(await redis.zscore(store.keys.line, ticketId(queued.ticket))).not.toBeNull()
  })

  it('a shopper who follows the answers (poll as told, then the admitted call) gets the order', async () => {
    await store.setMode('on')
    const product = await createProduct({ stock: 5 })
    const s = await store.shopper()
    const key = newIdempotencyKey()
    const first = await placeOrder(s, [{ productId: product, quantity: 1 }], { idempotencyKey: key })
    expect(first.data).toMatchObject({ status: 'QUEUED', position: 1, pollAfterSeconds: 1 })
    // TestShopper.placeOrder is what the harness uses everywhere: it waits pollAfterSeconds (1 s here).
    const placed = await s.placeOrder({ idempotencyKey: key, ...TEST_ADDRESS, lines: [{ productId: product, quantity: 1 }] })
    expect(placed.data?.status).toBe('PENDING_PAYMENT')
    expect((await stockAndSold([product])).get(product)).toMatchObject({ stock: 4, sold: 1, orders: 1 })
  })

  it('switching the room off: the next poll admits everybody still in line, and they check out', async () => {
    await store.setMode('on')
    await store.setBucket(0)
    const product = await createProduct({ stock: 10 })
    const lines = [{ productId: product, quantity: 1 }]
    const shoppers = await Promise.all(Array.from({ length: 3 }, () => store.shopper()))
    const keys = shoppers.map(() => newIdempotencyKey())
    const places = []
    for (const [i, s] of shoppers.entries()) places.push(await joinLine(s, lines, keys[i]))
    await store.setMode('off')
    // A newcomer buys at once ...
    expect((await placeOrder(await store.shopper(), lines)).data?.status).toBe('PENDING_PAYMENT')
    // ... and the first poll that is not early admits the whole line, though the bucket is empty.
    await dueNow(store, places[2]!.ticket)
    expect((await poll(shoppers[2]!, places[2]!.ticket)).data?.state).toBe('ADMITTED')
    expect(await redis.zcard(store.keys.line)).toBe(0)
    for (const [i, s] of shoppers.entries()) {
      expect((await poll(s, places[i]!.ticket)).data?.state).toBe('ADMITTED')
      const placed = await placeOrder(s, lines, { idempotencyKey: keys[i]!, admissionTicket: places[i]!.ticket })
      expect(placed.data?.status).toBe('PENDING_PAYMENT')
    }
    expect((await stockAndSold([product])).get(product)).toMatchObject({ stock: 6, sold: 4, orders: 4 })
  })

  it('an admitted checkout refused for a changed price keeps the turn: the resubmit with a new key and no ticket places the order', async () => {
    await store.setMode('on')
    await store.setBucket(0)
    const product = await createProduct({ stock: 5, priceCents: 2500 })
    const lines = [{ productId: product, quantity: 1 }]
    const s = await store.shopper()
    const checkout = (idempotencyKey: string, expectedTotalCents: number, admissionTicket?: string) =>
      s.mutate<PlaceOrderOutput>('checkout.placeOrder', { idempotencyKey, ...TEST_ADDRESS, lines, expectedTotalCents, ...(admissionTicket ? { admissionTicket } : {}) })
    const first = await checkout(newIdempotencyKey(), 2500)
    if (first.data?.status !== 'QUEUED') throw new Error(`expected QUEUED: ${JSON.stringify(first.data ?? first.error)}`)
    await store.setBucket(1)
    await dueNow(store, first.data.ticket)
    expect((await poll(s, first.data.ticket)).data?.state).toBe('ADMITTED')
    // A later shopper waits behind.
    const later = await store.shopper()
    const laterPlace = await joinLine(later, lines)

    // The admin changes the price between admission and the admitted call.
    await sql('UPDATE "Product" SET "priceCents" = 3000 WHERE id = $1', [product])
    const refused = await checkout(newIdempotencyKey(), 2500, first.data.ticket)
    expect([refused.status, refused.error?.appCode]).toEqual([409, 'CONFLICT'])
    expect(await redis.hget(store.keys.ticket(ticketId(first.data.ticket)), 'state')).toBe('admitted')

    // The form resubmits with the new total, a new key and no ticket: straight on, ahead of the later shopper.
    const resubmitted = await checkout(newIdempotencyKey(), 3000)
    expect(resubmitted.status).toBe(200)
    expect(resubmitted.data).toMatchObject({ status: 'PENDING_PAYMENT', totalCents: 3000 })
    expect(await redis.zscore(store.keys.line, ticketId(laterPlace.ticket))).not.toBeNull()
    expect(await redis.hget(store.keys.ticket(ticketId(first.data.ticket)), 'state')).toBe('used')
    expect((await stockAndSold([product])).get(product)).toMatchObject({ stock: 4, sold: 1, orders: 1 })
  })

  it('a repeat of a placed order (same session, same key) after the room went on returns the order, not a place', async () => {
    await store.setMode('off')
    const product = await createProduct({ stock: 5 })
    const lines = [{ productId: product, quantity: 1 }]
    const s = await store.shopper()
    const key = newIdempotencyKey()
    const placed = await placeOrder(s, lines, { idempotencyKey: key })
    expect(placed.data?.status).toBe('PENDING_PAYMENT')
    await store.setMode('on')
    await store.setBucket(0)
    await joinLine(await store.shopper(), lines)
    const repeat = await placeOrder(s, lines, { idempotencyKey: key })
    expect([repeat.status, repeat.data]).toEqual([200, placed.data])
    expect(await redis.zcard(store.keys.line)).toBe(1)

    // The same with a ticket: an order placed through the line, repeated once its place is gone.
    const t = await store.shopper()
    const tKey = newIdempotencyKey()
    // Two admissions: the shopper already waiting, then this one.
    await store.setBucket(2)
    const place = await joinLine(t, lines, tKey)
    expect((await poll(t, place.ticket)).data?.state).toBe('ADMITTED')
    const viaLine = await placeOrder(t, lines, { idempotencyKey: tKey, admissionTicket: place.ticket })
    expect(viaLine.data?.status).toBe('PENDING_PAYMENT')
    await redis.del(store.keys.ticket(ticketId(place.ticket)))
    const repeatViaLine = await placeOrder(t, lines, { idempotencyKey: tKey, admissionTicket: place.ticket })
    expect([repeatViaLine.status, repeatViaLine.data]).toEqual([200, viaLine.data])
    expect((await stockAndSold([product])).get(product)).toMatchObject({ stock: 3, sold: 2, orders: 2 })
  })

  it('an admission for 1 × a product does not buy 5: BAD_INPUT, nothing sold, the turn kept for the queued cart', async () => {
    await store.setMode('on')
    await store.setBucket(0)
    const product = await createProduct({ stock: 10 })
    const s = await store.shopper()
    const key = newIdempotencyKey()
    const queued = await joinLine(s, [{ productId: product, quantity: 1 }], key)
    await store.setBucket(1)
    await dueNow(store, queued.ticket)
    expect((await poll(s, queued.ticket)).data?.state).toBe('ADMITTED')
    const more = await placeOrder(s, [{ productId: product, quantity: 5 }], { idempotencyKey: key, admissionTicket: queued.ticket })
    expect([more.status, more.error?.appCode]).toEqual([400, 'BAD_INPUT'])
    expect(more.error?.message).toMatch(/quantities you queued with/)
    expect((await stockAndSold([product])).get(product)).toMatchObject({ stock: 10, sold: 0, orders: 0 })
    const placed = await placeOrder(s, [{ productId: product, quantity: 1 }], { idempotencyKey: newIdempotencyKey(), admissionTicket: queued.ticket })
    expect(placed.data?.status).toBe('PENDING_PAYMENT')
    expect((await stockAndSold([product])).get(product)).toMatchObject({ stock: 9, sold: 1, orders: 1 })
  })

  it('an order checkout would refuse gets the same 4xx at once, never a place in line', async () => {
    const product = await createProduct({ stock: 5, priceCents: 2500 })
    const withdrawn = await createProduct({ stock: 5 })
    const inEuros = await createProduct({ stock: 5, currency: 'EUR' })
    const dear = [await createProduct({ stock: 50, priceCents: MAX_PRICE_CENTS }), await createProduct({ stock: 50, priceCents: MAX_PRICE_CENTS })]
    await sql('UPDATE "Product" SET active = false WHERE id = $1', [withdrawn])
    const bad = [
      { name: 'unknown product', lines: [{ productId: 2_000_000_000, quantity: 1 }], status: 404, appCode: 'NOT_FOUND', message: /Not for sale: product 2000000000/ },
      { name: 'withdrawn product', lines: [{ productId: withdrawn, quantity: 1 }], status: 404, appCode: 'NOT_FOUND', message: /Not for sale/ },
      { name: 'two currencies', lines: [{ productId: product, quantity: 1 }, { productId: inEuros, quantity: 1 }], status: 400, appCode: 'BAD_INPUT', message: /must share a currency \(USD: .+; EUR: .+\)/ },
      { name: 'stale total', lines: [{ productId: product, quantity: 2 }], expectedTotalCents: 2500, status: 409, appCode: 'CONFLICT', message: /total is now \$50\.00/ },
      { name: 'total over the maximum', lines: dear.map((productId) => ({ productId, quantity: MAX_QUANTITY_PER_LINE })), status: 400, appCode: 'BAD_INPUT', message: /at most/ },
    ]
    const send = async (c: (typeof bad)[number]) => {
      const s = await store.shopper()
      return s.mutate<PlaceOrderOutput>('checkout.placeOrder', {
        idempotencyKey: newIdempotencyKey(),
        ...TEST_ADDRESS,
        lines: c.lines,
        ...(c.expectedTotalCents === undefined ? {} : { expectedTotalCents: c.expectedTotalCents }),
      })
    }
    // What checkout itself answers (room off) ...
    await store.setMode('off')
    const direct = new Map<string, { status: number; appCode: string | null | undefined; message: string | undefined }>()
    for (const c of bad) {
      const a = await send(c)
      direct.set(c.name, { status: a.status, appCode: a.error?.appCode, message: a.error?.message })
    }
    // ... is what a queueing room answers, at once: no ticket, nobody in line.
    await store.setMode('on')
    await store.setBucket(0)
    for (const c of bad) {
      const a = await send(c)
      expect(a.data, c.name).toBeUndefined()
      expect([a.status, a.error?.appCode], c.name).toEqual([c.status, c.appCode])
      expect(a.error?.message, c.name).toMatch(c.message)
      expect({ status: a.status, appCode: a.error?.appCode, message: a.error?.message }, c.name).toEqual(direct.get(c.name))
    }
    expect(await redis.zcard(store.keys.line)).toBe(0)
    expect((await store.admin.query<WaitingRoomFigures>('ops.waitingRoom')).data?.lineLength).toBe(0)
    // A good order whose price changed behind the cache's back (confirmed from the database) still queues.
    await sql('UPDATE "Product" SET "priceCents" = 3000 WHERE id = $1', [product])
    const good = await (await store.shopper()).mutate<PlaceOrderOutput>('checkout.placeOrder', {
      idempotencyKey: newIdempotencyKey(),
      ...TEST_ADDRESS,
      lines: [{ productId: product, quantity: 1 }],
      expectedTotalCents: 3000,
    })
    expect(good.data?.status).toBe('QUEUED')
  })

  it(`one client address holds at most ${MAX_PLACES_PER_CLIENT} places however many sessions it opens: then a 429 with Retry-After`, async () => {
    await store.setMode('on')
    await store.setBucket(0)
    const product = await createProduct({ stock: 500 })
    const lines = [{ productId: product, quantity: 1 }]
    const sameAddress = async () => {
      const s = new TestShopper(store.url, {}, { clientAddress: '10.201.7.9' })
      await s.query('cart.get')
      return s
    }
    const places = []
    for (let i = 0; i < MAX_PLACES_PER_CLIENT; i++) {
      const s = await sameAddress()
      places.push({ s, ticket: (await joinLine(s, lines)).ticket })
    }
    const refused = await placeOrder(await sameAddress(), lines)
    expect([refused.status, refused.error?.appCode]).toEqual([429, 'RATE_LIMITED'])
    expect(refused.error?.message).toMatch(new RegExp(`Too many shoppers from your network are already waiting in line \\(at most ${MAX_PLACES_PER_CLIENT} at once\\)`))
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await redis.zcard(store.keys.line)).toBe(MAX_PLACES_PER_CLIENT)
    // Another address is not affected, and a session already in line keeps its place on a resubmit.
    expect((await placeOrder(await store.shopper(), lines)).data?.status).toBe('QUEUED')
    expect((await joinLine(places[0]!.s, lines)).ticket).toBe(places[0]!.ticket)
    // One of the address's shoppers leaves: the address may hold a place again.
    expect((await places[1]!.s.mutate('checkout.leaveLine', { ticket: places[1]!.ticket })).status).toBe(200)
    expect((await placeOrder(await sameAddress(), lines)).data?.status).toBe('QUEUED')
  })

  it('a poll after the order was placed (from another tab) points at the order instead of an error', async () => {
    await store.setMode('on')
    await store.setBucket(0)
    const product = await createProduct({ stock: 5 })
    const s = await store.shopper()
    const key = newIdempotencyKey()
    const lines = [{ productId: product, quantity: 1 }]
    const queued = await joinLine(s, lines, key)
    await store.setBucket(1)
    await dueNow(store, queued.ticket)
    expect((await poll(s, queued.ticket)).data?.state).toBe('ADMITTED')
    // Tab one places the order with the admission ...
    const placed = await placeOrder(s, lines, { idempotencyKey: key, admissionTicket: queued.ticket })
    if (placed.data?.status !== 'PENDING_PAYMENT') throw new Error(`not placed: ${JSON.stringify(placed.data ?? placed.error)}`)
    // ... tab two's next poll: 200, with the order to show.
    const polled = await poll(s, queued.ticket)
    expect(polled.status).toBe(200)
    expect(polled.data).toMatchObject({ state: 'ADMITTED', ticket: queued.ticket, orderId: placed.data.orderId })
  })

  it('the ended-places figures count an admission that expired unused once, as abandoned', async () => {
    await store.setMode('on')
    await store.setBucket(0)
    const product = await createProduct({ stock: 10 })
    const lines = [{ productId: product, quantity: 1 }]
    const [buyer, idler, waiter] = await Promise.all([store.shopper(), store.shopper(), store.shopper()])
    const buyerKey = newIdempotencyKey()
    const buyerPlace = await joinLine(buyer, lines, buyerKey)
    const idlerPlace = await joinLine(idler, lines)
    const waiterPlace = await joinLine(waiter, lines)
    // The buyer and the idler are admitted; the buyer checks out, the idler never does.
    await store.setBucket(2)
    await dueNow(store, waiterPlace.ticket)
    expect((await poll(waiter, waiterPlace.ticket)).data?.state).toBe('WAITING')
    expect((await placeOrder(buyer, lines, { idempotencyKey: buyerKey, admissionTicket: buyerPlace.ticket })).data?.status).toBe('PENDING_PAYMENT')
    await redis.hset(store.keys.ticket(ticketId(idlerPlace.ticket)), { admittedAt: Date.now() - ADMISSION_VALID_MS - 10_000 })
    await redis.zadd(store.keys.admitted, { score: Date.now() - ADMISSION_VALID_MS - 10_000, member: ticketId(idlerPlace.ticket) })
    // The next advance sweeps the idler's admission.
    await store.setBucket(0)
    await dueNow(store, waiterPlace.ticket)
    expect((await poll(waiter, waiterPlace.ticket)).data?.state).toBe('WAITING')
    expect((await poll(idler, idlerPlace.ticket)).error?.appCode).toBe('TICKET_EXPIRED')

    // Two places ended: one admitted and used, one abandoned. Not three.
    const figures = await store.admin.query<WaitingRoomFigures>('ops.waitingRoom')
    expect(figures.data).toMatchObject({ lineLength: 1, abandoned: 1, abandonRate: 0.5 })
  })

  it('leaving the line releases the place', async () => {
    await store.setMode('on')
    await store.setBucket(0)
    const product = await createProduct({ stock: 5 })
    const s = await store.shopper()
    const queued = await joinLine(s, [{ productId: product, quantity: 1 }])
    const left = await s.mutate('checkout.leaveLine', { ticket: queued.ticket })
    expect([left.status, left.data]).toEqual([200, { left: true }])
    expect(await redis.zscore(store.keys.line, ticketId(queued.ticket))).toBeNull()
    expect((await poll(s, queued.ticket)).error?.appCode).toBe('TICKET_EXPIRED')
  })

  it('the /ops lever refuses bad settings with 400 and stores nothing', async () => {
    await store.setMode('auto', 50)
    for (const bad of [{ mode: 'sometimes' }, { admissionRatePerSecond: 0 }, {}, { mode: 'on', extra: 1 }]) {
      const answer = await store.admin.mutate('ops.setWaitingRoom', bad)
      expect(answer.status, JSON.stringify(bad)).toBe(400)
    }
    const figures = await store.admin.query<WaitingRoomFigures>('ops.waitingRoom')
    expect(figures.data?.settings).toEqual({ mode: 'auto', admissionRatePerSecond: 50 })
    expect(figures.data?.changedBy).not.toBeNull()
    // Shoppers may not pull the lever.
    expect((await (await store.shopper()).mutate('ops.setWaitingRoom', { mode: 'off' })).status).toBe(401)
  })
})
