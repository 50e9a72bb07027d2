/** Order rows and the payment job, written inside the checkout transaction (raw SQL on the hot path). */
import type { DbClient } from '../platform/db'
import { db } from '../platform/db'

export const PAYMENT_TASK = 'payment.charge'
/** graphile-worker retries a failing job with exponential backoff up to this many attempts. */
export const PAYMENT_JOB_MAX_ATTEMPTS = 8

export interface NewOrder {
  id: string
  idempotencyKey: string
  requestHash: string
  sessionId: string
  email: string
  shippingName: string
  shippingAddress: string
  totalCents: number
  currency: string
  lines: Array<{ productId: number; name: string; quantity: number; unitPriceCents: number }>
}

/** Inserts orders and their lines with one statement each, however many orders (a folded batch). */
export async function insertOrders(client: DbClient, orders: NewOrder[]): Promise<void> {
  if (orders.length === 0) return
  const col = <K extends keyof NewOrder>(k: K) => orders.map((o) => o[k])
  await client.query(
    `INSERT INTO "Order" (id, "idempotencyKey", "requestHash", "sessionId", email, "shippingName", "shippingAddress",
                          status, "totalCents", currency, "updatedAt")
     SELECT id, key, hash, sid, email, name, address, 'PENDING_PAYMENT', total, currency, now()
       FROM unnest($1::uuid[], $2::varchar[], $3::char(64)[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[],
                   $8::int[], $9::char(3)[]) AS t(id, key, hash, sid, email, name, address, total, currency)`,
    [col('id'), col('idempotencyKey'), col('requestHash'), col('sessionId'), col('email'), col('shippingName'), col('shippingAddress'), col('totalCents'), col('currency')],
  )
  const lines = orders.flatMap((o) => o.lines.map((l) => ({ orderId: o.id, ...l })))
  await client.query(
    `INSERT INTO "OrderLine" ("orderId", "productId", name, quantity, "unitPriceCents")
     SELECT * FROM unnest($1::uuid[], $2::int[], $3::varchar[], $4::int[], $5::int[])`,
    [lines.map((l) => l.orderId), lines.map((l) => l.productId), lines.map((l) => l.name), lines.map((l) => l.quantity), lines.map((l) => l.unitPriceCents)],
  )
}

/**
 * Enqueues each order's payment job in the caller's transaction: no order without a job,
 * no job without an order. The job key is the order id, so a job can never be doubled.
 */
export async function enqueuePayments(client: DbClient, orderIds: string[]): Promise<void> {
  if (orderIds.length === 0) return
  await client.query(
    `SELECT graphile_worker.add_job($1, json_build_object('orderId', id), max_attempts := $3, job_key := id)
       FROM unnest($2::text[]) AS id`,
    [PAYMENT_TASK, orderIds, PAYMENT_JOB_MAX_ATTEMPTS],
  )
}

/** The order one session placed with `idempotencyKey`, if any. */
export async function findOrderByKey(sessionId: string, idempotencyKey: string) {
  return db.order.findUnique({
    where: { sessionId_idempotencyKey: { sessionId, idempotencyKey } },
    select: { id: true, requestHash: true, totalCents: true, currency: true },
  })
}
