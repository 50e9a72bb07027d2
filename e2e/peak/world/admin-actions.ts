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
 *    which the latency thresholds judge, not propagation.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type pg from 'pg'
import { newIdempotencyKey, TestShopper } from '../../../testing/test-shopper'
import type { AdminPlan } from '../drill-options'
import type { DrillWorld } from './drill-world'

/** A shopper probe is sent this often until the restocked SKU sells. */
const PROBE_EVERY_MS = 100
/** The probe gives up after this long (the invariant has failed long before). */
const PROBE_GIVE_UP_MS = 30_000
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
  /** Every probe checkout: sent this long after the restock answered, and what it got. */
  attempts: Array<{ afterMs: number; status: number; appCode: string | null }>
}

export interface AdminRecord {
  plan: AdminPlan
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
    this.record = { plan, priceEdit: null, restock: null, errors: [] }
    // Its own address: the admin login limit is per address, and the load must not share it.
    this.admin = new TestShopper(world.storeUrl, { origin: world.storeUrl, 'x-forwarded-for': '10.77.0.1' })
  }

  /** Before the load: log in, and have a shopper meet the restock SKU sold out (its gate closes). */
  async prepare(): Promise<void> {
    const login = await this.admin.mutate('auth.login', { password: this.world.adminPassword })
    if (login.status !== 200) throw new Error(`drill admin could not log in: ${login.status} ${JSON.stringify(login.error)}`)
    const refused = await this.buy(this.ids.restockId)
    if (refused.appCode !== 'SOLD_OUT') throw new Error(`restock SKU #${this.ids.restockId} should be sold out before the load, checkout answered ${refused.status} ${refused.appCode}`)
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
      r.attempts.push({ afterMs: sentAt - answeredAt, status: got.status, appCode: got.appCode })
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

  /** One checkout of one unit as a new shopper (fresh session); status 0 when the store did not answer. */
  private async buy(productId: number): Promise<{ status: number; appCode: string | null }> {
    try {
      const shopper = new TestShopper(this.world.storeUrl)
      await shopper.query('cart.get')
      const answer = await shopper.mutate('checkout.placeOrder', { idempotencyKey: newIdempotencyKey(), ...PROBE_ADDRESS, lines: [{ productId, quantity: 1 }] })
      return { status: answer.status, appCode: answer.error?.appCode ?? null }
    } catch {
      return { status: 0, appCode: null }
    }
  }
}
