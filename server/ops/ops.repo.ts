/**
 * The dashboard's PostgreSQL reads (the ops domain's only Prisma user): hot SKUs with stock
 * and recent orders, orders per minute, and how long orders wait to be paid. Run only when
 * an admin's dashboard refreshes (cached 2 s per process), never on a shopper's path.
 */
import { db } from '../platform/db'

export interface HotSkuRow {
  id: number
  slug: string
  name: string
  stock: number
  priceCents: number
  currency: string
  contentVersion: number
  hot: boolean
  /** Orders containing this product placed since `since`. */
  orders: number
}

/**
 * The doorbusters, plus the `topSellers` best sellers since `since` that are not doorbusters.
 * Orders are found from their creation time (index `Order(status, createdAt)`).
 */
export async function findHotSkus(since: Date, topSellers: number): Promise<HotSkuRow[]> {
  return db.$queryRaw<HotSkuRow[]>`
    WITH recent AS (
      SELECT l."productId", count(*)::int AS orders
        FROM "Order" o JOIN "OrderLine" l ON l."orderId" = o.id
       WHERE o.status IN ('PENDING_PAYMENT', 'PAID', 'FAILED') AND o."createdAt" >= ${since}
       GROUP BY l."productId"
    ), sellers AS (
      SELECT r."productId" AS id FROM recent r JOIN "Product" p ON p.id = r."productId"
       WHERE NOT p.hot ORDER BY r.orders DESC, r."productId" LIMIT ${topSellers}
    )
    SELECT p.id, p.slug, p.name, p.stock, p."priceCents", p.currency, p."contentVersion", p.hot, coalesce(r.orders, 0)::int AS orders
      FROM "Product" p LEFT JOIN recent r ON r."productId" = p.id
     WHERE p.hot OR p.id IN (SELECT id FROM sellers)
     ORDER BY p.hot DESC, coalesce(r.orders, 0) DESC, p.id`
}

/** Orders placed since `since` (every status). */
export async function countOrdersSince(since: Date): Promise<number> {
  const rows = await db.$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM "Order"
     WHERE status IN ('PENDING_PAYMENT', 'PAID', 'FAILED') AND "createdAt" >= ${since}`
  return rows[0]?.n ?? 0
}

export interface PaymentWaitRow {
  paid: number
  p50Ms: number | null
  p95Ms: number | null
  p99Ms: number | null
}

/** Orders paid since `since`, and the time from placing to paid (queue wait + charge, retries included). */
export async function paymentWait(since: Date): Promise<PaymentWaitRow> {
  const rows = await db.$queryRaw<PaymentWaitRow[]>`
    SELECT count(*)::int AS paid,
           percentile_cont(0.5)  WITHIN GROUP (ORDER BY ms) AS "p50Ms",
           percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS "p95Ms",
           percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS "p99Ms"
      FROM (SELECT EXTRACT(EPOCH FROM ("paidAt" - "createdAt")) * 1000 AS ms
              FROM "Order"
             WHERE status = 'PAID' AND "paidAt" >= ${since}
               AND "createdAt" >= ${since}::timestamp - interval '1 hour') paid`
  return rows[0] ?? { paid: 0, p50Ms: null, p95Ms: null, p99Ms: null }
}
