/**
 * Folding concurrent buyers of one product into one guarded stock UPDATE.
 *
 * The single-row limit: every buyer of a doorbuster updates the same row, so N buyers
 * make N commits in a row-lock convoy (≈2.3k/s serial, ≈1.2k/s at 32 clients here).
 * Instead, single-line orders for the same product queue up in this process while a
 * write for that product is in flight; the next batch is written by the one checkout
 * write path (write-orders.ts): the inventory service reads the row once, allocates first
 * come first served, takes the batch's total in ONE `stock >= total` UPDATE, and the
 * batch's orders and payment jobs are inserted in the same transaction. Hand-written
 * because it is a domain-specific queue per product, not a general batching problem a
 * library solves.
 */
import { metrics } from '../platform/metrics'
import { pgErrorCode } from '../platform/transaction'
import type { CheckoutRequest } from './order-draft'
import { writeOrders, type PlacedOrder } from './write-orders'

/** Most buyers one UPDATE may serve (keeps one transaction's inserts bounded). */
export const MAX_BATCH = 128

interface Waiter {
  req: CheckoutRequest
  resolve: (order: PlacedOrder) => void
  reject: (error: unknown) => void
}

interface Queue {
  waiting: Waiter[]
  running: boolean
}

const globalForBatcher = globalThis as unknown as { __hotQueues?: Map<number, Queue> }
const queues = (globalForBatcher.__hotQueues ??= new Map())

/** Places a single-line order through its product's batch queue. */
export function placeFolded(req: CheckoutRequest): Promise<PlacedOrder> {
  const productId = req.input.lines[0]!.productId
  return new Promise((resolve, reject) => {
    let queue = queues.get(productId)
    if (!queue) queues.set(productId, (queue = { waiting: [], running: false }))
    queue.waiting.push({ req, resolve, reject })
    if (!queue.running) void drain(productId, queue)
  })
}

async function drain(productId: number, queue: Queue): Promise<void> {
  queue.running = true
  try {
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, MAX_BATCH)
      metrics.hotBatchSize.observe(batch.length)
      await runBatch(batch).catch((error: unknown) => batch.forEach((w) => w.reject(error)))
    }
  } finally {
    queue.running = false
    if (queue.waiting.length === 0) queues.delete(productId)
  }
}

async function runBatch(batch: Waiter[]): Promise<void> {
  try {
    const outcomes = await writeOrders(batch.map((w) => w.req))
    outcomes.forEach((o, i) => (o.ok ? batch[i]!.resolve(o.order) : batch[i]!.reject(o.error)))
  } catch (error) {
    // One duplicate idempotency key (a replay racing its original on another instance)
    // aborts the whole batch; serve each buyer alone so only the duplicate fails.
    if (pgErrorCode(error) === '23505' && batch.length > 1) {
      for (const w of batch) await runBatch([w])
      return
    }
    throw error
  }
}
