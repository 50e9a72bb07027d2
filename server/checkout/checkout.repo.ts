/** Order rows, written inside the checkout transaction (raw SQL on the hot path). */
import type { DbClient } from '../platform/transaction'
import { db } from '../platform/db'

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

/** The order one session placed with `idempotencyKey`, if any. */
export async function findOrderByKey(sessionId: string, idempotencyKey: string) {
  return db.order.findUnique({
    where: { sessionId_idempotencyKey: { sessionId, idempotencyKey } },
    select: { id: true, requestHash: true, totalCents: true, currency: true },
  })
}

/** What checkout prices an order with, per product, from the primary (no cache, no replica): the check before the line confirms a refusal with it. */
export async function findPricing(ids: number[]) {
  if (ids.length === 0) return []
  return db.product.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, priceCents: true, currency: true, active: true } })
}
