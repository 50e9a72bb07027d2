/**
 * One in-process inventory contender for `npm run bench`, run as a child process so it
 * gets the bench database through the environment: `tsx inventory-contender.ts
 * <folded|per-order|per-order-versioned> <productId> <concurrency> <ms>` prints
 * `{"ordersPerSecond": n}`. All write the full order (stock, order, lines, payment job) in
 * one transaction; only the stock step differs: one guarded `stock >= q` UPDATE per folded
 * batch, one per order, or the pre-issue-12 versioned UPDATE per order (versioned-take.ts).
 */
import { randomUUID } from 'node:crypto'
import { insertOrders } from '../server/checkout/checkout.repo'
import { placeFolded } from '../server/checkout/fold-hot-buyers'
import { draftOrder, type CheckoutRequest } from '../server/checkout/order-draft'
import { writeOrders } from '../server/checkout/write-orders'
import { enqueuePayments } from '../server/orders/orders.service'
import { pool } from '../server/platform/db'
import { withTransaction } from '../server/platform/transaction'
import { TEST_ADDRESS } from '../testing/test-shopper'
import { takeVersioned } from './versioned-take'

const [mode, productArg, cArg, msArg] = process.argv.slice(2)
const productId = Number(productArg)
const c = Number(cArg)
const ms = Number(msArg)

function request(): CheckoutRequest {
  const key = randomUUID()
  return { sid: 'bench', hash: key.replace(/-/g, '').padEnd(64, '0'), input: { idempotencyKey: key, ...TEST_ADDRESS, lines: [{ productId, quantity: 1 }] } }
}

async function perOrder(): Promise<void> {
  const [outcome] = await writeOrders([request()])
  if (!outcome!.ok) throw outcome!.error
}

/** The old path: versioned read-then-UPDATE per order, retried on conflict. */
async function perOrderVersioned(): Promise<void> {
  const req = request()
  await withTransaction(async (client) => {
    const line = req.input.lines[0]!
    const taken = await takeVersioned(client, line.productId, line.quantity)
    const order = draftOrder(req, [{ ...line, ...taken }])
    await insertOrders(client, [order])
    await enqueuePayments(client, [order.id])
  })
}

async function main() {
  const end = performance.now() + ms
  let ok = 0
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (performance.now() < end) {
        try {
          if (mode === 'folded') await placeFolded(request())
          else if (mode === 'per-order-versioned') await perOrderVersioned()
          else await perOrder()
          ok++
        } catch {
          // a shed (503) attempt counts as not sold
        }
      }
    }),
  )
  console.log(JSON.stringify({ ordersPerSecond: ok / (ms / 1000) }))
  await pool.end()
}

void main()
