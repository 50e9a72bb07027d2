/**
 * The drill's admin, doing during the hold what an admin does on sale day, through the same
 * admin tRPC procedures /ops uses (logged in, same Origin):
 *  - edits the doorbuster's price while it is selling (`catalog.updateProduct`); the edit's
 *    commit is bracketed by the database clock (read just before the request and just after
 *    the answer), so the invariants can say which orders must carry which price;
 *  - restocks another hot SKU that has been sold out (gate closed) since before the load
 *    (`inventory.changeStock`), then buys it as a shopper would, from the moment the admin's
 *    request answered, until a checkout succeeds. Every attempt is recorded with its send time
 *    and answer: a SOLD_OUT sent after PROPAGATION_DEADLINE_MS means the restock had not
 *    reached the gate; a shed (429/503) or a timeout says the store was too busy to answer,
 *    which the latency thresholds judge, not propagation. A probe the waiting room queues
 *    waits in line as a shopper would (load/ticket-follower.ts); its attempt is recorded at
 *    the request that got the last answer (the SOLD_OUT poll, or the admitted checkout).
 * Before the load it also sets the waiting room (`ops.setWaitingRoom`: automatic mode at the
 * run's admission rate, or off), and during it reads the room's live figures (`ops.waitingRoom`).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type pg from 'pg'
import { newIdempotencyKey, TestShopper } from '../../../testing/test-shopper'
import { queuedAnswer, waitingRoomFiguresSchema, type WaitingRoomFigures, type WaitingRoomSettings } from '../../../server/waiting-room/waiting-room.schema'
import type { AdminPlan, WaitingRoomPlan } from '../drill-options'
import { followTicket, type CallResult, type FollowerTransport, type TicketEnd } from '../load/ticket-follower'
import type { DrillWorld } from './drill-world'

/** A shopper probe is sent this often until the restocked SKU sells. */
const PROBE_EVERY_MS = 100
/** The probe gives up after this long (the invariant has failed long before). */
const PROBE_GIVE_UP_MS = 30_000
/** A probe the room queued waits in line at most this long. */
const PROBE_LINE_GIVE_UP_MS = 60_000
const PROBE_ADDRESS = { email: 'restock-probe@example.com', shippingName: 'Restock Probe', shippingAddress: '1 Probe Street, Springfield' }

export interface PriceEdit {
  productId: number
  oldPriceCents: number
  newPriceCents: number
  /** Database clock just before the request was sent: orders created earlier carry the old price. */
  sentAtDb: Date
  /** Database clock just after the answer: the edit had committed by then; orders created later carry the new price. */
  committedByDb: Date
  /** Doorbuster units left at that moment (0: it sold out while the edit was in flight, nothing left to check). */
  stockAtCommit: number
  status: number
  propagation: string | null
}

export interface Restock {
  productId: number
  units: number
  /** Wall clock when the admin's request answered. */
  answeredAt: number
  status: number
  propagation: string | null
  /** From the answer to the send time of the first probe checkout that was accepted; null when none was. */
  buyableAfterMs: number | null
  /** Latency of that accepted checkout (machine load, not propagation). */
  acceptedCheckoutMs: number | null
  /** Every probe checkout: sent this long after the restock answered, and what it got (a queued probe: how its wait ended). */
  attempts: Array<{ afterMs: number; status: number; appCode: string | null; line?: TicketEnd }>
}

/** The waiting room as the admin set it before the load. */
export interface RoomSetting {
  requested: Pick<WaitingRoomSettings, 'mode'> & Partial<Pick<WaitingRoomSettings, 'admissionRatePerSecond'>>
  status: number
  /** The settings the store answered with (null when refused). */
  settings: WaitingRoomSettings | null
  error: string | null
}

export interface AdminRecord {
  plan: AdminPlan
  waitingRoom: RoomSetting | null
  priceEdit: PriceEdit | null
  restock: Restock | null
  errors: string[]
}


async function dbNow(pool: pg.Pool): Promise<Date> {
  const { rows } = await pool.query<{ now: Date }>('SELECT clock_timestamp() AS now')
  return rows[0]!.now
}

async function stockOf(pool: pg.Pool, id: number): Promise<number> {
  const { rows } = await pool.query<{ stock: number }>('SELECT stock FROM "Product" WHERE id = $1', [id])
  return rows[0]!.stock
}

export class AdminActions {
  readonly record: AdminRecord
  private readonly admin: TestShopper

  constructor(
    private readonly world: DrillWorld,
    plan: AdminPlan,
    private readonly ids: { doorbusterId: number; restockId: number },
    private readonly log: (line: string) => void,
  ) {
    this.record = { plan, waitingRoom: null, priceEdit: null, restock: null, errors: [] }
    // Its own address: the admin login limit is per address, and the load must not share it.
    this.admin = new TestShopper(world.storeUrl, { origin: world.storeUrl, 'x-forwarded-for': '10.77.0.1' })
  }

  /**
   * Before the load: log in, set the waiting room (the plan's automatic mode and rate, or off:
   * the result never depends on the store's default), and have a shopper meet the restock SKU
   * sold out (its gate closes).
   */
  async prepare(room: WaitingRoomPlan | null): Promise<void> {
    const login = await this.admin.mutate('auth.login', { password: this.world.adminPassword })
    if (login.status !== 200) throw new Error(`drill admin could not log in: ${login.status} ${JSON.stringify(login.error)}`)
    const requested = room ? { mode: room.mode, admissionRatePerSecond: room.admissionRatePerSecond } : { mode: 'off' as const }
    const set = await this.admin.mutate<WaitingRoomSettings>('ops.setWaitingRoom', requested)
    this.record.waitingRoom = { requested, status: set.status, settings: set.status === 200 ? (set.data ?? null) : null, error: set.error?.message ?? null }
    if (set.status !== 200) throw new Error(`drill admin could not set the waiting room (${JSON.stringify(requested)}): ${set.status} ${set.error?.message}`)
    this.log(`admin: waiting room ${requested.mode}${room ? ` at ${room.admissionRatePerSecond} admissions/s` : ''}`)
    const refused = await this.buy(this.ids.restockId)
    if (refused.appCode !== 'SOLD_OUT') throw new Error(`restock SKU #${this.ids.restockId} should be sold out before the load, checkout answered ${refused.status} ${refused.appCode}`)
  }

  /** The room's live figures, as /ops reads them; throws when the store does not answer them. */
  async waitingRoomFigures(): Promise<WaitingRoomFigures> {
    const answer = await this.admin.query<WaitingRoomFigures>('ops.waitingRoom')
    if (answer.status !== 200) throw new Error(`ops.waitingRoom answered ${answer.status} ${answer.error?.message ?? ''}`)
    return waitingRoomFiguresSchema.parse(answer.data)
  }

  /** Runs the plan; `holdStartsAt` is the wall clock at which the hold begins. */
  async run(holdStartsAt: number): Promise<void> {
    const p = this.record.plan
    await Promise.all([
      this.at(holdStartsAt + p.priceEditAtS * 1000, () => this.editPrice()),
      this.at(holdStartsAt + p.restockAtS * 1000, () => this.restock()),
    ])
  }

  private async at(when: number, fn: () => Promise<void>): Promise<void> {
    await sleep(Math.max(0, when - Date.now()))
    await fn().catch((error: unknown) => {
      this.record.errors.push(String(error))
      this.log(`admin: ${String(error)}`)
    })
  }

  private async editPrice(): Promise<void> {
    const id = this.ids.doorbusterId
    const { rows } = await this.world.pool.query<{ priceCents: number }>('SELECT "priceCents" FROM "Product" WHERE id = $1', [id])
    const oldPriceCents = rows[0]!.priceCents
    const newPriceCents = oldPriceCents + this.record.plan.priceRaiseCents
    const sentAtDb = await dbNow(this.world.pool)
    const answer = await this.admin.mutate<{ propagation: string }>('catalog.updateProduct', { id, patch: { priceCents: newPriceCents } })
    const committedByDb = await dbNow(this.world.pool)
    const stockAtCommit = await stockOf(this.world.pool, id)
    this.record.priceEdit = { productId: id, oldPriceCents, newPriceCents, sentAtDb, committedByDb, stockAtCommit, status: answer.status, propagation: answer.data?.propagation ?? null }
    this.log(`admin: doorbuster #${id} price ${oldPriceCents} → ${newPriceCents} cents (${answer.status}, ${answer.data?.propagation ?? answer.error?.message})`)
  }

  private async restock(): Promise<void> {
    const productId = this.ids.restockId
    const units = this.record.plan.restockUnits
    const answer = await this.admin.mutate<{ propagation: string }>('inventory.changeStock', { productId, delta: units })
    const answeredAt = Date.now()
    const r: Restock = { productId, units, answeredAt, status: answer.status, propagation: answer.data?.propagation ?? null, buyableAfterMs: null, acceptedCheckoutMs: null, attempts: [] }
    this.record.restock = r
    this.log(`admin: restocked #${productId} with ${units} units (${answer.status}, ${answer.data?.propagation ?? answer.error?.message})`)
    if (answer.status !== 200) return
    while (Date.now() - answeredAt < PROBE_GIVE_UP_MS) {
      const sentAt = Date.now()
      const got = await this.buy(productId)
      r.attempts.push({ afterMs: (got.decidedAt ?? sentAt) - answeredAt, status: got.status, appCode: got.appCode, ...(got.line && { line: got.line }) })
      if (got.status === 200) {
        r.buyableAfterMs = sentAt - answeredAt
        r.acceptedCheckoutMs = Date.now() - sentAt
        this.log(`admin: restocked units buyable ${r.buyableAfterMs} ms after the restock answered (checkout took ${r.acceptedCheckoutMs} ms)`)
        return
      }
      await sleep(PROBE_EVERY_MS)
    }
    this.log(`admin: restocked units NOT bought within ${PROBE_GIVE_UP_MS} ms: ${r.attempts.map((a) => a.appCode ?? a.status).join(', ')}`)
  }

  /**
   * One checkout of one unit as a new shopper (fresh session); status 0 when the store did not
   * answer. Queued by the room, it waits in line: the answer is then the admitted checkout's
   * (or SOLD_OUT from a poll), `decidedAt` when that request was sent, `line` how the wait ended.
   */
  private async buy(productId: number): Promise<{ status: number; appCode: string | null; decidedAt?: number; line?: TicketEnd }> {
    try {
      const shopper = new TestShopper(this.world.storeUrl)
      await shopper.query('cart.get')
      const input = { idempotencyKey: newIdempotencyKey(), ...PROBE_ADDRESS, lines: [{ productId, quantity: 1 }] }
      const firstAt = Date.now()
      const answer = await shopper.mutate('checkout.placeOrder', input)
      const queued = answer.status === 200 ? queuedAnswer.safeParse(answer.data) : null
      if (!queued?.success) return { status: answer.status, appCode: answer.error?.appCode ?? null }
      const ticket = await followTicket({ key: input.idempotencyKey, productIds: [productId], session: -1, firstAttemptMs: firstAt, queuedMs: Date.now() }, queued.data, {
        transport: probeTransport(shopper, input),
        now: Date.now,
        abandon: 'none',
        giveUpMs: PROBE_LINE_GIVE_UP_MS,
      })
      const soldOutPoll = ticket.end === 'soldOut' ? ticket.polls.at(-1) : undefined
      if (soldOutPoll) return { status: 409, appCode: 'SOLD_OUT', decidedAt: soldOutPoll.sentMs, line: ticket.end }
      const c = ticket.admittedCall
      if (c) return { status: c.status, appCode: c.appCode, decidedAt: c.sentMs, line: ticket.end }
      return { status: 0, appCode: ticket.detail, decidedAt: ticket.polls.at(-1)?.sentMs, line: ticket.end }
    } catch {
      return { status: 0, appCode: null }
    }
  }
}

/** The waiting page's three calls, made by a test shopper (times on the wall clock). */
function probeTransport(shopper: TestShopper, input: Record<string, unknown>): FollowerTransport {
  const timed = async (call: () => Promise<{ status: number; data?: unknown; error?: { appCode: string | null } }>): Promise<CallResult> => {
    const sentMs = Date.now()
    try {
      const a = await call()
      return { status: a.status, data: a.data, appCode: a.error?.appCode ?? null, sentMs, receivedMs: Date.now(), timedOut: false }
    } catch {
      return { status: 0, data: undefined, appCode: null, sentMs, receivedMs: Date.now(), timedOut: false }
    }
  }
  return {
    poll: (ticket) => timed(() => shopper.query('checkout.pollTicket', { ticket })),
    placeAdmitted: (admissionTicket) => timed(() => shopper.mutate('checkout.placeOrder', { ...input, admissionTicket })),
    leave: (ticket) => timed(() => shopper.mutate('checkout.leaveLine', { ticket })),
  }
}
