/**
 * Order rows as the payment worker moves them out of PENDING_PAYMENT (raw SQL: each
 * transition is one guarded UPDATE, so a job that runs twice, or races the sweeper,
 * changes an order at most once).
 */
import type { DbClient } from '../platform/transaction'
import { pool } from '../platform/db'

export type OrderStatus = 'PENDING_PAYMENT' | 'PAID' | 'FAILED'

export interface OrderToCharge {
  id: string
  status: OrderStatus
  totalCents: number
  currency: string
}

export async function findOrderToCharge(orderId: string): Promise<OrderToCharge | null> {
  const { rows } = await pool.query<OrderToCharge>(
    'SELECT id, status, "totalCents", currency FROM "Order" WHERE id = $1',
    [orderId],
  )
  return rows[0] ?? null
}

/** PENDING_PAYMENT → PAID. False when the order was not pending (already settled). */
export async function markPaid(orderId: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE "Order" SET status = 'PAID', "paidAt" = now(), "updatedAt" = now()
      WHERE id = $1 AND status = 'PENDING_PAYMENT'`,
    [orderId],
  )
  return rowCount === 1
}

/**
 * PENDING_PAYMENT → FAILED with the release marker set in the same statement. True for
 * exactly one caller per order, ever: the one that must put the stock back (in the same
 * transaction, through `client`).
 */
export async function markFailedForRelease(client: DbClient, orderId: string, reason: string): Promise<boolean> {
  const { rowCount } = await client.query(
    `UPDATE "Order" SET status = 'FAILED', "failureReason" = $2, "stockReleasedAt" = now(), "updatedAt" = now()
      WHERE id = $1 AND "stockReleasedAt" IS NULL AND status = 'PENDING_PAYMENT'
      RETURNING id`,
    [orderId, reason],
  )
  return rowCount === 1
}

export async function orderLines(client: DbClient, orderId: string): Promise<Array<{ productId: number; quantity: number }>> {
  const { rows } = await client.query<{ productId: number; quantity: number }>(
    'SELECT "productId", quantity FROM "OrderLine" WHERE "orderId" = $1 ORDER BY "productId"',
    [orderId],
  )
  return rows
}
