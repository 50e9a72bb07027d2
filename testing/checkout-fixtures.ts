/** Database fixtures for checkout tests: products with known stock, and conservation sums. */
import pg from 'pg'
import { env } from '../server/env'

export async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: env.DATABASE_URL })
  await client.connect()
  try {
    return (await client.query<T>(text, params)).rows
  } finally {
    await client.end()
  }
}

let counter = 0

/** Creates a fresh product (its own row, so tests never share stock) and returns its id. */
export async function createProduct(opts: { stock: number; hot?: boolean; priceCents?: number; name?: string; currency?: string }): Promise<number> {
  counter += 1
  const slug = `test-product-${process.pid}-${Date.now().toString(36)}-${counter}`
  const [row] = await sql<{ id: number }>(
    `INSERT INTO "Product" (slug, name, description, "priceCents", currency, stock, hot, "categoryId", "updatedAt")
     VALUES ($1, $2, 'test product', $3, $4, $5, $6, (SELECT id FROM "Category" ORDER BY id LIMIT 1), now()) RETURNING id`,
    [slug, opts.name ?? `Test Product ${counter}`, opts.priceCents ?? 1999, opts.currency ?? 'USD', opts.stock, opts.hot ?? false],
  )
  return row!.id
}

/** Stock now and units sold in orders (any status but a released FAILED one), per product. */
export async function stockAndSold(ids: number[]): Promise<Map<number, { stock: number; sold: number; orders: number }>> {
  const rows = await sql<{ id: number; stock: number; sold: string; orders: string }>(
    `SELECT p.id, p.stock,
            COALESCE(SUM(l.quantity) FILTER (WHERE o."stockReleasedAt" IS NULL), 0) AS sold,
            COUNT(DISTINCT o.id) FILTER (WHERE o."stockReleasedAt" IS NULL) AS orders
       FROM "Product" p
       LEFT JOIN "OrderLine" l ON l."productId" = p.id
       LEFT JOIN "Order" o ON o.id = l."orderId"
      WHERE p.id = ANY($1::int[])
      GROUP BY p.id, p.stock`,
    [ids],
  )
  return new Map(rows.map((r) => [r.id, { stock: r.stock, sold: Number(r.sold), orders: Number(r.orders) }]))
}
