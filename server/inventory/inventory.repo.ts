/**
 * Stock reads and writes in raw SQL: these are the hottest statements in the store, and a
 * single parameterised statement avoids Prisma's per-query compile cost (ENVIRONMENT.md).
 * Every write is an optimistic, versioned UPDATE guarded by `stock >= q`.
 */
import type { DbClient } from '../platform/db'

export interface StockRow {
  id: number
  name: string
  priceCents: number
  currency: string
  stock: number
  version: number
  active: boolean
  hot: boolean
}

export async function readForSale(client: DbClient, ids: number[]): Promise<StockRow[]> {
  const { rows } = await client.query<StockRow>(
    `SELECT id, name, "priceCents", currency, stock, version, active, hot
       FROM "Product" WHERE id = ANY($1::int[]) ORDER BY id`,
    [ids],
  )
  return rows
}

export async function readStockVersion(client: DbClient, id: number): Promise<{ stock: number; version: number } | null> {
  const { rows } = await client.query<{ stock: number; version: number }>(
    'SELECT stock, version FROM "Product" WHERE id = $1',
    [id],
  )
  return rows[0] ?? null
}

/** One versioned decrement. Returns the new stock, or null on a version conflict / short stock. */
export async function takeVersioned(client: DbClient, id: number, quantity: number, version: number): Promise<number | null> {
  const { rows } = await client.query<{ stock: number }>(
    `UPDATE "Product" SET stock = stock - $2, version = version + 1, "updatedAt" = now()
      WHERE id = $1 AND version = $3 AND stock >= $2
      RETURNING stock`,
    [id, quantity, version],
  )
  return rows[0]?.stock ?? null
}

/** One versioned increment (stock released by a failed order). Returns the new stock, or null on conflict. */
export async function releaseVersioned(client: DbClient, id: number, quantity: number, version: number): Promise<number | null> {
  const { rows } = await client.query<{ stock: number }>(
    `UPDATE "Product" SET stock = stock + $2, version = version + 1, "updatedAt" = now()
      WHERE id = $1 AND version = $3
      RETURNING stock`,
    [id, quantity, version],
  )
  return rows[0]?.stock ?? null
}
