/**
 * The waiting room's services: admission at checkout, polls, leaving the line. Each is one
 * script call on the line (waiting-room.line.ts) plus signing, errors, metrics and item names.
 *
 *  - `admitToCheckout`: what checkout.placeOrder asks first: GO (check out now) or the QUEUED
 *    answer. Mode off → GO at once (no Redis call: the settings are cached in process). With an
 *    admission ticket → a key the store has already seen goes on (a repeat: the normal path
 *    replays it, whatever became of the place); else consume it (a retry of the same key passes; another key →
 *    TICKET_USED; more products or units than the place was queued with → BAD_INPUT). Without one
 *    → enter: a key the store has already seen (a double submit: the normal path replays it), a
 *    closed sold-out gate, the session's own admitted place (used now: a resubmit without the
 *    ticket keeps the shopper's turn), or a token while nobody waits and checkout is not
 *    saturated → GO; an order checkout's cheap checks refuse (`EnterContext.refusal`: unknown
 *    product, changed total…) → that error at once, never a place; a client address already
 *    holding MAX_PLACES_PER_CLIENT live places → RATE_LIMITED (429); otherwise QUEUED with the
 *    (possibly existing) place.
 *  - `giveBack`: the admitted checkout ended without an order (any error): the admission it used
 *    is the shopper's again (same admitUntil), for a retry with a new key, with or without ticket.
 *  - `pollTicket`: WAITING (early polls change nothing), ADMITTED or SOLD_OUT. Mode off: a poll
 *    that is not early admits the whole line at once (nobody waits behind newcomers). A place
 *    whose admission was used (this tab or another) stays ADMITTED, with the order's id once
 *    that checkout placed it (`orderId`): the page goes to the order, no error.
 *  - `leaveLine`: the place is released and counted as abandoned.
 *
 * Saturation in auto mode: this instance's in-flight checkouts ≥ MAX_IN_FLIGHT_CHECKOUTS
 * (checkout-in-flight.ts), the fleet-wide token bucket empty, or anybody already waiting.
 */
import { randomUUID } from 'node:crypto'
import { getProductSummaries } from '../catalog/catalog.service'
import { getRecord as getIdempotencyRecord } from '../checkout/idempotency.store'
import { keys } from '../platform/cache'
import { AppError } from '../platform/errors'
import { logger } from '../platform/logger'
import { metrics } from '../platform/metrics'
import { checkoutsInFlight, MAX_IN_FLIGHT_CHECKOUTS } from './checkout-in-flight'
import { sessionBinding, signTicket, verifyTicket, TICKET_VERSION } from './ticket-token'
import { createLine, MAX_PLACES_PER_CLIENT, type Line, type LineStep, type QueuedLine } from './waiting-room.line'
import { readWaitingRoomSettings } from './waiting-room.settings-store'
import {
  ADMISSION_VALID_MS,
  MAX_POLL_INTERVAL_MS,
  MIN_POLL_INTERVAL_MS,
  type PollTicketOutput,
  type QueuedAnswer,
  type WaitingItem,
  type WaitingRoomSettings,
} from './waiting-room.schema'

const log = logger.child({ module: 'waiting-room' })

const EXPIRED_MESSAGE = 'Your place in line has expired. Place your order again to rejoin the line.'
const USED_MESSAGE = 'This place in line was already used for another checkout. Place your order again to join the line.'
const NOT_YOURS_MESSAGE = 'This waiting-room ticket belongs to another shopper session. Place your order again from this browser to join the line.'
const CLIENT_FULL_MESSAGE = `Too many shoppers from your network are already waiting in line (at most ${MAX_PLACES_PER_CLIENT} at once). Try again once one of them has checked out.`
/** Retry-After of the per-client refusal: one longest poll interval, by when places have moved. */
export const CLIENT_FULL_RETRY_SECONDS = MAX_POLL_INTERVAL_MS / 1000
const ITEMS_MESSAGE =
  'Your turn in line covers the items and quantities you queued with (or fewer), and this order asks for more. Place your order again to join the line with this cart.'

/** The checkout call the waiting room looks at (a subset of PlaceOrderInput: no import cycle with checkout). */
export interface CheckoutAttempt {
  idempotencyKey: string
  lines: QueuedLine[]
  admissionTicket?: string | undefined
}

/** What checkout tells the room about a call besides its input (see `admitToCheckout`). */
export interface EnterContext {
  /** The caller's client rate-limit key (client-identity.ts `clientRateKey`); null/absent: not capped. */
  client?: string | null
  /**
   * Checkout's cheap checks (no stock touched): the error checkout would answer for this order,
   * or null. Asked only when the call would enter the line (room on or auto, no ticket).
   */
  refusal?: () => Promise<AppError | null>
}

/** The admitted place one checkout call used: what `giveBack` needs if that call places no order. */
export interface UsedAdmission {
  /** The place's id (the ticket's `id`). */
  id: string
  /** The session binding the place belongs to (the ticket's `s`). */
  binding: string
  idempotencyKey: string
}

/**
 * Check out now. `admission`: the admitted place this call used (give it back with `giveBack`
 * when the checkout ends without an order), or null (mode off, a token, a closed gate, a key the
 * store has seen, or a retry of a key that had used its place already).
 */
export interface GoAhead {
  status: 'GO'
  admission: UsedAdmission | null
}
export type Admission = GoAhead | QueuedAnswer

const GO: GoAhead = { status: 'GO', admission: null }

export interface WaitingRoomDeps {
  line: Line
  settings: () => Promise<WaitingRoomSettings>
  inFlight: () => number
  /** The session secret the tickets are signed with (default: SESSION_SECRET). */
  secret?: string
  /**
   * The id of the order this session placed with `idempotencyKey`, or null (not placed, or not
   * yet): what a poll of a used place points at. Default: none known.
   */
  orderOf?: (sid: string, idempotencyKey: string) => Promise<string | null>
}

/** The failure a step kind stands for, or null. */
function stepError(kind: LineStep['kind']): AppError | null {
  if (kind === 'expired') return new AppError('TICKET_EXPIRED', EXPIRED_MESSAGE)
  if (kind === 'not_yours') return new AppError('TICKET_NOT_YOURS', NOT_YOURS_MESSAGE)
  if (kind === 'used') return new AppError('TICKET_USED', USED_MESSAGE)
  return null
}

/** Metrics for what a script did besides its own answer (admissions, idle expiries, line length). */
function record(step: LineStep): void {
  if (step.admittedWaitsMs.length > 0) {
    metrics.waitingRoomAdmitted.inc(step.admittedWaitsMs.length)
    for (const ms of step.admittedWaitsMs) metrics.waitingRoomWaitSeconds.observe(ms / 1000)
  }
  if (step.expired > 0) metrics.waitingRoomAbandoned.inc({ reason: 'expired' }, step.expired)
  metrics.waitingRoomLineLength.set(step.lineLength)
}

/** The item list of a place: each product's name from the catalog's cached reads (else the gate's name), availability from the gates. */
async function itemsOf(step: LineStep, allUnavailable = false): Promise<WaitingItem[]> {
  let names = new Map<number, string>()
  try {
    names = new Map([...(await getProductSummaries(step.productIds))].map(([id, s]) => [id, s.name]))
  } catch (error) {
    log.warn({ err: error }, 'product names unavailable for a poll: using the gates’ names')
  }
  return step.productIds.map((productId) => ({
    productId,
    name: names.get(productId) ?? step.closed.get(productId) ?? `Product ${productId}`,
    available: !allUnavailable && !step.closed.has(productId),
  }))
}

function placeOf(step: LineStep, ticket: string, rate: number) {
  const position = Math.max(1, step.position)
  return {
    ticket,
    position,
    positionAtEntry: Math.max(position, step.positionAtEntry),
    lineLength: Math.max(position, step.lineLength),
    estimatedWaitSeconds: Math.ceil(position / rate),
    pollAfterSeconds: Math.min(MAX_POLL_INTERVAL_MS, Math.max(MIN_POLL_INTERVAL_MS, step.pollAfterMs)) / 1000,
    firstSeenAt: step.firstSeenAt,
  }
}

/** The ADMITTED poll answer for a place the line admitted (used or not yet). */
function admittedAnswer(step: LineStep, ticket: string, items: WaitingItem[]): Extract<PollTicketOutput, { state: 'ADMITTED' }> {
  return {
    state: 'ADMITTED',
    ticket,
    firstSeenAt: step.firstSeenAt,
    admittedAt: step.admittedAt,
    admissionSeq: Math.max(1, step.admissionSeq),
    admitUntil: step.admittedAt + ADMISSION_VALID_MS,
    items,
  }
}

export function createWaitingRoom(deps: WaitingRoomDeps) {
  const { line } = deps
  const bindingOf = (sid: string) => sessionBinding(sid, deps.secret)
  const ticketOf = (sid: string, step: LineStep) =>
    signTicket({ v: TICKET_VERSION, id: step.id, seq: step.seq, fs: step.firstSeenAt, s: bindingOf(sid) }, deps.secret)

  async function enter(sid: string, attempt: CheckoutAttempt, settings: WaitingRoomSettings, context: EnterContext): Promise<Admission> {
    const mode = settings.mode
    if (mode === 'off') return GO
    const binding = bindingOf(sid)
    const enterWith = (refused: boolean | 'unchecked') =>
      line.enter({
        binding,
        newId: randomUUID(),
        lines: attempt.lines,
        idempotencyKey: attempt.idempotencyKey,
        idempotencyRecord: keys.idempotency(sid, attempt.idempotencyKey),
        mode,
        saturated: deps.inFlight() >= MAX_IN_FLIGHT_CHECKOUTS,
        rate: settings.admissionRatePerSecond,
        refused,
        client: context.client ?? null,
      })
    // Checkout's cheap checks run only for a call that would wait: one that goes on now is
    // checked by checkout itself, so the unengaged room costs no extra read.
    let refusal: AppError | null = null
    let step = await enterWith(context.refusal ? 'unchecked' : false)
    if (step.kind === 'check' && context.refusal) {
      record(step) // its advance of the line (admissions, expiries) counts too
      refusal = await context.refusal()
      step = await enterWith(refusal !== null)
    }
    record(step)
    if (step.kind === 'refused' && refusal) throw refusal
    if (step.kind === 'client_full') {
      log.info({ client: context.client }, 'place refused: the client address holds the most places it may')
      throw new AppError('RATE_LIMITED', CLIENT_FULL_MESSAGE, { retryAfterSeconds: CLIENT_FULL_RETRY_SECONDS, details: { maxPlacesPerClient: MAX_PLACES_PER_CLIENT } })
    }
    if (step.kind === 'consumed') return { status: 'GO', admission: { id: step.id, binding, idempotencyKey: attempt.idempotencyKey } }
    if (step.kind === 'seen' || step.kind === 'gated' || step.kind === 'go') return GO
    if (step.kind === 'joined') {
      metrics.waitingRoomQueued.inc()
      log.debug({ position: step.position, lineLength: step.lineLength }, 'checkout queued')
    }
    return { status: 'QUEUED', ...placeOf(step, ticketOf(sid, step), settings.admissionRatePerSecond), items: await itemsOf(step) }
  }

  return {
    /**
     * Whether this checkout call goes on now (GO, with the admission it used, if any) or waits in
     * line (the QUEUED answer). Throws TICKET_INVALID / TICKET_NOT_YOURS / TICKET_EXPIRED /
     * TICKET_USED for a ticket that cannot admit this call, BAD_INPUT when the call buys products,
     * or more units, than its place was queued with; without a ticket, `context.refusal`'s error
     * (checkout's own code: NOT_FOUND, CONFLICT, BAD_INPUT…) instead of a place, and RATE_LIMITED
     * (429, Retry-After CLIENT_FULL_RETRY_SECONDS) when `context.client` already holds
     * MAX_PLACES_PER_CLIENT live places.
     */
    async admitToCheckout(sid: string, attempt: CheckoutAttempt, context: EnterContext = {}): Promise<Admission> {
      const settings = await deps.settings()
      if (attempt.admissionTicket === undefined) return enter(sid, attempt, settings, context)
      const payload = verifyTicket(attempt.admissionTicket, sid, deps.secret)
      const step = await line.consume({
        id: payload.id,
        binding: payload.s,
        idempotencyKey: attempt.idempotencyKey,
        idempotencyRecord: keys.idempotency(sid, attempt.idempotencyKey),
        lines: attempt.lines,
        rate: settings.admissionRatePerSecond,
        unlimited: settings.mode === 'off',
      })
      record(step)
      const error = stepError(step.kind)
      if (error) throw error
      if (step.kind === 'items') throw new AppError('BAD_INPUT', ITEMS_MESSAGE, { details: { queuedProductIds: step.productIds } })
      // Not admitted yet (the client did not wait for ADMITTED): the place, as without a ticket
      // (with the room switched off meanwhile, nobody waits: go on).
      if (step.kind === 'waiting') return enter(sid, attempt, settings, context)
      if (step.kind === 'ok') return { status: 'GO', admission: { id: payload.id, binding: payload.s, idempotencyKey: attempt.idempotencyKey } }
      return GO
    },

    /**
     * The admitted checkout call ended without an order (any error: a changed price, a sold-out
     * line, a crash before the commit): the admission it used is the shopper's again, with the
     * same admitUntil, so a retry with a new key (with the ticket, or without: the session's
     * place) goes straight on. Never throws: a failure is logged, and the admission then simply
     * stays used. Resolves whether it was given back.
     */
    async giveBack(used: UsedAdmission): Promise<boolean> {
      try {
        const settings = await deps.settings()
        const step = await line.giveBack({ ...used, rate: settings.admissionRatePerSecond })
        record(step)
        if (step.kind === 'returned') log.info({ ticketId: used.id }, 'admitted checkout placed no order: admission given back')
        return step.kind === 'returned'
      } catch (error) {
        log.warn({ err: error, ticketId: used.id }, 'could not give an unused admission back')
        return false
      }
    },

    /**
     * One poll of a place. Early polls (before the previous answer's pollAfterSeconds) answer
     * from Redis without changing anything; others refresh the place and advance the line (at the
     * admission rate; with the room off, the whole line at once, up to ADMIT_BATCH).
     * Every item sold out → SOLD_OUT at once (early or not), and the place is released. A place
     * whose admission a checkout call used → ADMITTED with `orderId` once that call placed its
     * order (without it while the call is still running: the same call again replays it).
     */
    async pollTicket(sid: string, ticket: string): Promise<PollTicketOutput> {
      const payload = verifyTicket(ticket, sid, deps.secret)
      const settings = await deps.settings()
      const step = await line.poll({ id: payload.id, binding: payload.s, rate: settings.admissionRatePerSecond, unlimited: settings.mode === 'off' })
      record(step)
      if (step.kind === 'used') {
        const orderId = step.usedKey && deps.orderOf ? await deps.orderOf(sid, step.usedKey) : null
        return { ...admittedAnswer(step, ticket, await itemsOf(step)), ...(orderId ? { orderId } : {}) }
      }
      const error = stepError(step.kind)
      if (error) throw error
      if (step.kind === 'sold_out' || step.kind === 'sold_out_now') {
        if (step.kind === 'sold_out_now') {
          metrics.waitingRoomSoldOut.inc()
          log.info({ productIds: step.productIds }, 'place released: every item sold out while waiting')
        }
        return { state: 'SOLD_OUT', ticket, items: await itemsOf(step, true) }
      }
      const items = await itemsOf(step)
      if (step.kind === 'admitted') return admittedAnswer(step, ticket, items)
      return { state: 'WAITING', ...placeOf(step, ticket, settings.admissionRatePerSecond), early: step.early, items }
    },

    /** Leaves the line (idempotent: leaving an ended place answers the same). */
    async leaveLine(sid: string, ticket: string): Promise<{ left: true }> {
      const payload = verifyTicket(ticket, sid, deps.secret)
      const settings = await deps.settings()
      const step = await line.leave({ id: payload.id, binding: payload.s, rate: settings.admissionRatePerSecond })
      record(step)
      if (step.kind === 'not_yours') throw stepError(step.kind)!
      if (step.kind === 'left_now') metrics.waitingRoomAbandoned.inc({ reason: 'left' })
      return { left: true }
    },
  }
}

export type WaitingRoom = ReturnType<typeof createWaitingRoom>

// One per process (on globalThis: every Next route bundle shares the scripts' SHA cache).
const ROOM = Symbol.for('storefront.waiting-room')
const g = globalThis as unknown as { [ROOM]?: WaitingRoom }
/** The order a session placed with a key: from checkout's idempotency record (kept far longer than a place). */
async function placedOrderOf(sid: string, idempotencyKey: string): Promise<string | null> {
  const record = await getIdempotencyRecord({ sid, key: idempotencyKey })
  return record?.state === 'done' ? record.answer.orderId : null
}
const room = (): WaitingRoom =>
  (g[ROOM] ??= createWaitingRoom({ line: createLine(), settings: () => readWaitingRoomSettings(), inFlight: checkoutsInFlight, orderOf: placedOrderOf }))

/** See `createWaitingRoom().admitToCheckout`. */
export const admitToCheckout = (sid: string, attempt: CheckoutAttempt, context?: EnterContext) => room().admitToCheckout(sid, attempt, context)
/** See `createWaitingRoom().pollTicket`. */
export const pollTicket = (sid: string, ticket: string) => room().pollTicket(sid, ticket)
/** See `createWaitingRoom().giveBack`. */
export const giveBackAdmission = (used: UsedAdmission) => room().giveBack(used)
/** See `createWaitingRoom().leaveLine`. */
export const leaveLine = (sid: string, ticket: string) => room().leaveLine(sid, ticket)
