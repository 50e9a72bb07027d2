/**
 * checkout.placeOrder, for one idempotency key:
 *   waiting room (server/waiting-room: a QUEUED answer, or go on; mode off: no Redis call; an
 *   admission this call used is given back when it ends without an order)
 *   → idempotency record → sold-out gate (Redis only) → PostgreSQL transaction
 *   (guarded `stock >= q` decrement per line in product-id order, order + lines, payment job)
 *   → answer { orderId, status: PENDING_PAYMENT }.
 * Every order is written by write-orders.ts; single-line orders are first folded with
 * concurrent buyers of the same product (fold-hot-buyers.ts).
 */
import { removePurchasedLines } from '../cart/cart.service'
import { SoldOutError } from '../inventory/inventory.service'
import { closeSoldOutGates, soldOutGateKey } from '../inventory/sold-out-gate'
import { pgErrorCode } from '../platform/transaction'
import { APP_ERROR_CODES, AppError, type AppErrorCode } from '../platform/errors'
import { logger } from '../platform/logger'
import { isRedisUnavailable } from '../platform/redis'
import { metrics } from '../platform/metrics'
import { countInFlight } from '../waiting-room/checkout-in-flight'
import { admitToCheckout, giveBackAdmission } from '../waiting-room/waiting-room.service'
import { findOrderByKey } from './checkout.repo'
import { refusalOf } from './precheck-order'
import type { PlacedOrderAnswer, PlaceOrderInput, PlaceOrderOutput } from './checkout.schema'
import { placeFolded } from './fold-hot-buyers'
import * as idem from './idempotency.store'
import type { CheckoutRequest } from './order-draft'
import { requestHash } from './request-hash'
import { writeOrders, type PlacedOrder } from './write-orders'

const log = logger.child({ module: 'checkout' })

/** Domain errors that are the request's final answer and are replayed for the same key. */
const REPLAYABLE = new Set(['SOLD_OUT', 'NOT_FOUND', 'CONFLICT', 'BAD_INPUT'])

function mismatch(): AppError {
  return new AppError('IDEMPOTENCY_MISMATCH', 'This idempotency key was already used for a different order. Start a new checkout attempt.')
}

function answerOf(order: { id: string; totalCents: number; currency: string }): PlacedOrderAnswer {
  return { orderId: order.id, status: 'PENDING_PAYMENT', totalCents: order.totalCents, currency: order.currency }
}

function replay(record: idem.IdempotencyRecord, hash: string): PlacedOrderAnswer | null {
  if (record.hash !== hash) throw mismatch()
  if (record.state === 'done') return record.answer
  if (record.state === 'failed') {
    const code: AppErrorCode = record.error.code in APP_ERROR_CODES ? (record.error.code as AppErrorCode) : 'CONFLICT'
    throw new AppError(code, record.error.message, { details: record.error.details })
  }
  return null
}

/** The order already stored for this session's key, if any (the crash-between-commit-and-reply case). */
async function fromDatabase(key: idem.ScopedKey, hash: string): Promise<PlacedOrderAnswer | null> {
  const existing = await findOrderByKey(key.sid, key.key)
  if (!existing) return null
  if (existing.requestHash !== hash) throw mismatch()
  return answerOf(existing)
}

/** The order for `req`: single-line orders are folded with concurrent buyers of the product. */
async function writeOrder(req: CheckoutRequest): Promise<PlacedOrder> {
  if (req.input.lines.length === 1) return placeFolded(req)
  const [outcome] = await writeOrders([req])
  if (!outcome!.ok) throw outcome!.error
  return outcome!.order
}

/**
 * The answer to one checkout call: the placed order, or a place in the waiting room's line
 * (QUEUED). `client`: the caller's client rate-limit key (clientRateKey), for the room's cap on
 * places per client; null for none. Throws AppError: the waiting room's TICKET_* codes for an
 * admission ticket that cannot admit this call, RATE_LIMITED (the client holds the most places
 * it may), SOLD_OUT, CONFLICT, NOT_FOUND, BAD_INPUT, IDEMPOTENCY_MISMATCH, UNAVAILABLE. An order
 * these checks refuse (precheck-order.ts) is refused before it could enter the line.
 */
export async function placeOrder(sid: string, input: PlaceOrderInput, client: string | null = null): Promise<PlaceOrderOutput> {
  let admission
  try {
    admission = await admitToCheckout(sid, input, { client, refusal: () => refusalOf(input) })
  } catch (error) {
    metrics.checkoutResults.inc({ result: error instanceof AppError ? error.code.toLowerCase() : 'error' })
    throw error
  }
  if (admission.status === 'QUEUED') {
    metrics.checkoutResults.inc({ result: 'queued' })
    return admission
  }
  const used = admission.admission
  try {
    return await countInFlight(() => placeAdmittedOrder(sid, input))
  } catch (error) {
    // No order (a refusal such as a changed price, or a failure before the commit): the shopper
    // keeps the turn they waited for, so the form's retry with a new key is not sent to the back.
    if (used) await giveBackAdmission(used)
    throw error
  }
}

/** Checkout proper, once the waiting room let the call through. */
async function placeAdmittedOrder(sid: string, input: PlaceOrderInput): Promise<PlacedOrderAnswer> {
  const started = performance.now()
  const hash = requestHash(input)
  const key: idem.ScopedKey = { sid, key: input.idempotencyKey }
  try {
    const answer = await placeOrderOnce({ sid, input, hash })
    metrics.checkoutResults.inc({ result: 'placed' })
    return answer
  } catch (error) {
    metrics.checkoutResults.inc({ result: error instanceof AppError ? error.code.toLowerCase() : 'error' })
    // Not a final answer (busy, crashed): let a retry with the same key run again — unless
    // Redis itself is what failed, when releasing would only wait out a second timeout.
    const final = error instanceof AppError && (REPLAYABLE.has(error.code) || error.code === 'IDEMPOTENCY_MISMATCH')
    if (!final && !isRedisUnavailable(error)) await idem.release(key).catch(() => {})
    throw error
  } finally {
    metrics.checkoutSeconds.observe((performance.now() - started) / 1000)
  }
}

async function placeOrderOnce(req: CheckoutRequest): Promise<PlacedOrderAnswer> {
  const { input, hash } = req
  const key: idem.ScopedKey = { sid: req.sid, key: input.idempotencyKey }
  const productIds = input.lines.map((l) => l.productId)

  // 1. Idempotency record, sold-out gate and claim: one Redis round trip, no database.
  const begun = await idem.begin(key, hash, productIds.map((productId) => ({ key: soldOutGateKey(productId), productId })))
  let mayExist = false
  if (begun.kind === 'record' && begun.record) {
    const record = begun.record
    const settled = replay(record.state === 'pending' ? ((await idem.waitWhilePending(key)) ?? record) : record, hash)
    if (settled) return settled
    mayExist = true
  } else if (begun.kind === 'gated') {
    // The same details as the database path's SoldOutError, so an answer never depends on which
    // path refused; the script has already recorded this refusal for the key (no second call).
    const items = begun.closed.map(({ index, name }) => ({ productId: productIds[index]!, name, available: 0 }))
    throw new AppError('SOLD_OUT', `Sold out: ${items.map((i) => i.name).join(', ')}`, { details: { items } })
  } else if (begun.kind === 'record') {
    // An unreadable record: trust only the database.
    mayExist = true
  }
  if (mayExist) {
    const existing = await fromDatabase(key, hash)
    if (existing) return existing
  }

  // 2. The transaction: stock, order, lines, payment job — all or nothing.
  let order: PlacedOrder
  try {
    order = await writeOrder(req)
  } catch (error) {
    if (pgErrorCode(error) === '23505') {
      const existing = await fromDatabase(key, hash)
      if (existing) return existing
    }
    if (error instanceof SoldOutError) {
      await closeSoldOutGates(error.items.filter((i) => i.available === 0))
    }
    if (error instanceof AppError && REPLAYABLE.has(error.code)) {
      await idem.finish(key, { state: 'failed', hash, error: { code: error.code, message: error.message, details: error.details } })
    }
    throw error
  }

  // 3. After commit: remember the answer, close the gate on what just sold out, tidy the cart.
  const answer = answerOf(order)
  await Promise.all([
    idem.finish(key, { state: 'done', hash, answer }).catch((e: unknown) => log.warn({ err: e }, 'could not store idempotency answer')),
    closeSoldOutGates(order.soldOut),
    removePurchasedLines(req.sid, order.lines.map((l) => l.productId)).catch((e: unknown) => log.warn({ err: e }, 'could not tidy cart')),
  ])
  return answer
}
