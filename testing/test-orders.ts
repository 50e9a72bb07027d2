/** Orders for in-process order/payment tests: placed over HTTP on the run's shared store. */
import { newIdempotencyKey, TEST_ADDRESS, TestShopper } from './test-shopper'
import { testStoreUrl } from './test-store'
import { createProduct, sql } from './checkout-fixtures'

export { createProduct, sql }

/** Places one order as a fresh shopper and returns its id (throws unless checkout said 200). */
export async function placeTestOrder(lines: Array<{ productId: number; quantity: number }>): Promise<string> {
  const shopper = new TestShopper(testStoreUrl())
  await shopper.query('cart.get')
  const answer = await shopper.placeOrder({ idempotencyKey: newIdempotencyKey(), ...TEST_ADDRESS, lines })
  if (answer.status !== 200) throw new Error(`checkout answered ${answer.status}: ${JSON.stringify(answer.error)}`)
  return answer.data!.orderId
}

export async function orderRow(orderId: string) {
  const [row] = await sql<{ status: string; failureReason: string | null; stockReleasedAt: Date | null; paidAt: Date | null }>(
    'SELECT status, "failureReason", "stockReleasedAt", "paidAt" FROM "Order" WHERE id = $1',
    [orderId],
  )
  return row
}

export async function stockOf(productId: number): Promise<number> {
  const [row] = await sql<{ stock: number }>('SELECT stock FROM "Product" WHERE id = $1', [productId])
  return row!.stock
}

/** The order's payment job as graphile-worker stores it (payload included: tests only read the private table). */
export async function paymentJob(orderId: string) {
  const [row] = await sql<{ id: string; payload: { orderId: string; attempt?: number }; run_at: Date; attempts: number; max_attempts: number; locked_by: string | null }>(
    'SELECT id::text, payload, run_at, attempts, max_attempts, locked_by FROM graphile_worker._private_jobs WHERE key = $1',
    [orderId],
  )
  return row ?? null
}
