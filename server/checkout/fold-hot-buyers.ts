/**
 * Folding concurrent buyers of one product into one guarded stock UPDATE.
 *
 * The single-row limit: every buyer of a doorbuster updates the same row, so N buyers
 * make N commits in a row-lock convoy (≈2.3k/s serial, ≈1.2k/s at 32 clients here).
 * Instead, single-line orders for the same product queue up in this process while a
 * write for that product is in flight; the next batch reads the row once (stock, price),
 * allocates first-come-first-served, takes the batch's total in ONE `stock >= total`
 * UPDATE, and inserts all the batch's orders and payment jobs in the same transaction. No
 * version: another instance's sale only matters if it left less than the batch's total, and
 * then the guard refuses, and the batch re-reads and re-allocates. Hand-written because it
 * is a domain-specific allocation step, not a general batching problem a library solves.
 */
import { busyError, jitter, MAX_TAKE_ATTEMPTS, SoldOutError, type TakenLine } from '../inventory/inventory.service'
import * as inventoryRepo from '../inventory/inventory.repo'
import { AppError } from '../platform/errors'
import { pgErrorCode, withTransaction } from '../platform/db'
import { metrics } from '../platform/metrics'
import { enqueuePayments, insertOrders, type NewOrder } from './checkout.repo'
import { draftOrder, type CheckoutRequest } from './order-draft'

/** Most buyers one UPDATE may serve (keeps one transaction's inserts bounded). */
export const MAX_BATCH = 128

interface Waiter {
  req: CheckoutRequest
  quantity: number
  resolve: (order: NewOrder & { remaining: number; restockSeq: number }) => void
  reject: (error: unknown) => void
}

interface Queue {
  waiting: Waiter[]
  running: boolean
}

const globalForBatcher = globalThis as unknown as { __hotQueues?: Map<number, Queue> }
const queues = (globalForBatcher.__hotQueues ??= new Map())

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Places a single-line order through the product's batch queue. */
export function placeFolded(productId: number, quantity: number, req: CheckoutRequest): Promise<NewOrder & { remaining: number; restockSeq: number }> {
  return new Promise((resolve, reject) => {
    let queue = queues.get(productId)
    if (!queue) queues.set(productId, (queue = { waiting: [], running: false }))
    queue.waiting.push({ req, quantity, resolve, reject })
    if (!queue.running) void drain(productId, queue)
  })
}

async function drain(productId: number, queue: Queue): Promise<void> {
  queue.running = true
  try {
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, MAX_BATCH)
      metrics.hotBatchSize.observe(batch.length)
      await runBatch(productId, batch).catch((error: unknown) => batch.forEach((w) => w.reject(error)))
    }
  } finally {
    queue.running = false
    if (queue.waiting.length === 0) queues.delete(productId)
  }
}

async function runBatch(productId: number, batch: Waiter[]): Promise<void> {
  try {
    const { placed, refused } = await withTransaction((client) => allocateAndWrite(client, productId, batch))
    for (const [waiter, order] of placed) waiter.resolve(order)
    for (const [waiter, error] of refused) waiter.reject(error)
  } catch (error) {
    // One duplicate idempotency key (a replay racing its original on another instance)
    // aborts the whole batch; serve each buyer alone so only the duplicate fails.
    if (pgErrorCode(error) === '23505' && batch.length > 1) {
      for (const w of batch) await runBatch(productId, [w])
      return
    }
    throw error
  }
}

type Outcome = { placed: Array<[Waiter, NewOrder & { remaining: number; restockSeq: number }]>; refused: Array<[Waiter, unknown]> }

async function allocateAndWrite(client: Parameters<Parameters<typeof withTransaction>[0]>[0], productId: number, batch: Waiter[]): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    const [row] = await inventoryRepo.readForSale(client, [productId])
    if (!row?.active) {
      const error = new AppError('NOT_FOUND', `Not for sale: product ${productId}`)
      return { placed: [], refused: batch.map((w) => [w, error]) }
    }
    // First come, first served: each buyer in arrival order takes what is left.
    let left = row.stock
    const winners: Array<[Waiter, NewOrder]> = []
    const refused: Array<[Waiter, unknown]> = []
    for (const w of batch) {
      if (w.quantity > left) {
        refused.push([w, new SoldOutError([{ id: row.id, name: row.name, available: left, restockSeq: row.restockSeq }])])
        continue
      }
      const taken: TakenLine = { productId, quantity: w.quantity, name: row.name, unitPriceCents: row.priceCents, currency: row.currency, remaining: 0, restockSeq: row.restockSeq }
      try {
        winners.push([w, draftOrder(w.req, [taken])])
        left -= w.quantity
      } catch (error) {
        refused.push([w, error])
      }
    }
    if (winners.length === 0) return { placed: [], refused }
    const total = row.stock - left
    const after = await inventoryRepo.takeUnits(client, productId, total)
    if (after === null) {
      // Others took units (or deactivated it) since the read: re-read and allocate again.
      metrics.inventoryRetries.inc()
      if (attempt >= MAX_TAKE_ATTEMPTS) return { placed: [], refused: batch.map((w) => [w, busyError()]) }
      await sleep(jitter(attempt))
      continue
    }
    await insertOrders(client, winners.map(([, o]) => o))
    await enqueuePayments(client, winners.map(([, o]) => o.id))
    return { placed: winners.map(([w, o]) => [w, { ...o, remaining: after.stock, restockSeq: after.restockSeq }]), refused }
  }
}
