/**
 * Helpers of the waiting-room spec: other shoppers in line as plain HTTP sessions
 * (testing/test-shopper.ts: each its own cookie jar and address, as separate people behind the
 * edge), and an admin session that reads and sets the room (ops.waitingRoom,
 * ops.setWaitingRoom) so the spec can restore the settings it found, and stops selling a
 * product (inventory.stopSelling: its sold-out gate closes) and restocks it.
 */
import { expect } from '@playwright/test'
import { newIdempotencyKey, TestShopper } from '../../testing/test-shopper'
import type { PlaceOrderInput } from '../../server/checkout/checkout.schema'
import { POLL_MARGIN_MS, type PollTicketOutput, type QueuedAnswer, type WaitingRoomFigures, type WaitingRoomSettings } from '../../server/waiting-room/waiting-room.schema'
import { E2E_BASE_URL } from '../e2e-env'
import { ADMIN_PASSWORD } from '../fixtures'

/** Before the first poll answer says when to poll: the contract's shortest interval. */
const FIRST_POLL_MS = 1_000

let nextAddress = 1
function client(): TestShopper {
  // Mutations are same-origin checked: send the store's own origin, as the browser does.
  return new TestShopper(E2E_BASE_URL, { origin: E2E_BASE_URL }, { clientAddress: `10.77.${nextAddress >> 8}.${nextAddress++ & 255}` })
}

/**
 * Another shopper, over plain HTTP: joins the line by checking out one product, keeps the
 * place by polling when each answer says, and places the order when admitted (the same input
 * plus the admission ticket), as the waiting page does.
 */
export class LineShopper {
  private polling: Promise<void> | null = null
  private stopped = false
  /** The last state seen. */
  state: PollTicketOutput['state'] | 'PLACED' | 'LEFT' = 'WAITING'

  private constructor(
    private readonly http: TestShopper,
    private readonly input: PlaceOrderInput,
    readonly ticket: string,
  ) {}

  static async join(productId: number): Promise<LineShopper> {
    const http = client()
    const n = nextAddress
    const input: PlaceOrderInput = {
      idempotencyKey: newIdempotencyKey(),
      email: `line-${n}@example.com`,
      shippingName: `Line Shopper ${n}`,
      shippingAddress: `${n} Queue Street, Springfield`,
      lines: [{ productId, quantity: 1 }],
    }
    const answer = await http.mutate<QueuedAnswer | { status: 'PENDING_PAYMENT' }>('checkout.placeOrder', input)
    expect(answer.error?.message ?? null, 'placeOrder').toBeNull()
    expect(answer.data?.status, 'the room is on: a checkout joins the line').toBe('QUEUED')
    return new LineShopper(http, input, (answer.data as QueuedAnswer).ticket)
  }

  /** Polls in the background (when each answer says) until admitted, sold out, refused or stopped. */
  keepPlace(): void {
    this.polling ??= (async () => {
      let waitMs = FIRST_POLL_MS
      while (!this.stopped) {
        await new Promise((r) => setTimeout(r, waitMs))
        if (this.stopped) break
        const poll = await this.http.query<PollTicketOutput>('checkout.pollTicket', { ticket: this.ticket })
        if (poll.error?.appCode?.startsWith('TICKET_')) break
        if (!poll.data) continue // busy: try again
        this.state = poll.data.state
        if (poll.data.state === 'WAITING') {
          waitMs = poll.data.pollAfterSeconds * 1000 + POLL_MARGIN_MS
          continue
        }
        if (poll.data.state === 'ADMITTED') {
          const placed = await this.http.mutate('checkout.placeOrder', { ...this.input, admissionTicket: poll.data.ticket })
          if (placed.status === 200) this.state = 'PLACED'
        }
        break
      }
    })()
  }

  /** Stops polling and gives the place up if still waiting. */
  async leave(): Promise<void> {
    this.stopped = true
    await this.polling
    if (this.state === 'WAITING') {
      await this.http.mutate('checkout.leaveLine', { ticket: this.ticket })
      this.state = 'LEFT'
    }
  }
}

/** An admin session over plain HTTP (its own address: auth.login is rate-limited per address). */
export class RoomAdmin {
  private constructor(private readonly http: TestShopper) {}

  static async login(): Promise<RoomAdmin> {
    const http = client()
    const login = await http.mutate('auth.login', { password: ADMIN_PASSWORD() })
    expect(login.status, 'admin login').toBe(200)
    return new RoomAdmin(http)
  }

  async settings(): Promise<WaitingRoomSettings> {
    const figures = await this.http.query<WaitingRoomFigures>('ops.waitingRoom')
    expect(figures.error?.message ?? null, 'ops.waitingRoom').toBeNull()
    return figures.data!.settings
  }

  async set(patch: Partial<WaitingRoomSettings>): Promise<void> {
    const answer = await this.http.mutate('ops.setWaitingRoom', patch)
    expect(answer.error?.message ?? null, 'ops.setWaitingRoom').toBeNull()
  }

  /** Stock to 0: the product sells out (its sold-out gate closes). */
  async stopSelling(productId: number): Promise<void> {
    const answer = await this.http.mutate('inventory.stopSelling', { productId })
    expect(answer.error?.message ?? null, 'inventory.stopSelling').toBeNull()
  }

  async restock(productId: number, units: number): Promise<void> {
    const answer = await this.http.mutate('inventory.changeStock', { productId, delta: units })
    expect(answer.error?.message ?? null, 'inventory.changeStock').toBeNull()
  }
}
