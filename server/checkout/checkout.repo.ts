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

export async function insertOrder(client: DbClient, o: NewOrder): Promise<void> {
  await client.query(
    `INSERT INTO "Order" (id, "idempotencyKey", "requestHash", "sessionId", email, "shippingName", "shippingAddress",
                          status, "totalCents", currency, "updatedAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'PENDING_PAYMENT', $8, $9, now())`,
    [o.id, o.idempotencyKey, o.requestHash, o.sessionId, o.email, o.shippingName, o.shippingAddress, o.totalCents, o.currency],
  )
  await client.query(
    `INSERT INTO "OrderLine" ("orderId", "productId", name, quantity, "unitPriceCents")
     SELECT $1, * FROM unnest($2::int[], $3::varchar[], $4::int[], $5::int[])`,
    [o.id, o.lines.map((l) => l.productId), o.lines.map((l) => l.name), o.lines.map((l) => l.quantity), o.lines.map((l) => l.unitPriceCents)],
  )
}

/** Enqueues the payment job in the same transaction: no order without a job, no job without an order. */
export async function enqueuePayment(client: DbClient, orderId: string): Promise<void> {
  await client.query(
    `SELECT graphile_worker.add_job($1, json_build_object('orderId', $2::text), max_attempts := $3, job_key := $2::text)`,
    [PAYMENT_TASK, orderId, PAYMENT_JOB_MAX_ATTEMPTS],
  )
}

export async function findOrderByKey(idempotencyKey: string) {
  return db.order.findUnique({
    where: { idempotencyKey },
    select: { id: true, requestHash: true, totalCents: true, currency: true },
  })
}
