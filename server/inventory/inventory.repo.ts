/**
 * Stock reads and writes in raw SQL: these are the hottest statements in the store, and a
 * single parameterised statement avoids Prisma's per-query compile cost (ENVIRONMENT.md).
 *
 * No version guards stock. Every change is ONE atomic statement whose WHERE clause carries
 * the invariant it needs (`stock >= q` for a sale, `stock + delta >= 0` for an admin delta):
 * PostgreSQL's row lock serialises concurrent statements on a row, each re-evaluates its
 * guard on the row as the previous one left it, so no update is lost and stock never goes
 * below zero (also enforced by the CHECK "Product_stock_nonnegative"). Statements that put
 * units back bump `restockSeq` in the same statement; the sold-out gate uses it to order a
 * zero against a restock (sold-out-gate.ts).
 */
import type { DbClient } from '../platform/transaction'

export interface SaleRow {
  id: number
  name: string
  priceCents: number
  currency: string
  stock: number
  active: boolean
  hot: boolean
  restockSeq: number
}

/** Stock after a change, with the restock sequence it happened at. */
export interface StockAfter {
  stock: number
  restockSeq: number
}

/** Rows to sell, read in this transaction (price and name as of now), in id order. */
export async function readForSale(client: DbClient, ids: number[]): Promise<SaleRow[]> {
  const { rows } = await client.query<SaleRow>(
    `SELECT id, name, "priceCents", currency, stock, active, hot, "restockSeq"
       FROM "Product" WHERE id = ANY($1::int[]) ORDER BY id`,
    [ids],
  )
  return rows
}

/**
 * One sale: takes `quantity` units if at least that many are left and the product is for
 * sale. The new stock, or null when the guard refused (short stock or inactive).
 */
export async function takeUnits(client: DbClient, id: number, quantity: number): Promise<StockAfter | null> {
  const { rows } = await client.query<StockAfter>(
    `UPDATE "Product" SET stock = stock - $2, "updatedAt" = now()
      WHERE id = $1 AND active AND stock >= $2
      RETURNING stock, "restockSeq"`,
    [id, quantity],
  )
  return rows[0] ?? null
}

/** Marks where a multi-product sale may be undone to (a savepoint in the caller's transaction). */
export async function markUndoPoint(client: DbClient): Promise<void> {
  await client.query('SAVEPOINT take_stock')
}

/** Undoes the takes since {@link markUndoPoint} (a refused product after others were taken). */
export async function undoToPoint(client: DbClient): Promise<void> {
  await client.query('ROLLBACK TO SAVEPOINT take_stock')
}

/** Units of a failed order back on the shelf. The new stock, or null when the product no longer exists. */
export async function releaseUnits(client: DbClient, id: number, quantity: number): Promise<StockAfter | null> {
  const { rows } = await client.query<StockAfter>(
    `UPDATE "Product" SET stock = stock + $2, "restockSeq" = "restockSeq" + 1, "updatedAt" = now()
      WHERE id = $1
      RETURNING stock, "restockSeq"`,
    [id, quantity],
  )
  return rows[0] ?? null
}

/**
 * An admin's stock delta (+50, −10), applied next to concurrent sales: one statement, refused
 * (null) when it would take stock below zero or above `maxStock`, or the product does not
 * exist. A positive delta bumps `restockSeq`.
 */
export async function applyStockDelta(client: DbClient, id: number, delta: number, maxStock: number): Promise<(StockAfter & { name: string }) | null> {
  const { rows } = await client.query<StockAfter & { name: string }>(
    `UPDATE "Product" SET stock = stock + $2,
            "restockSeq" = "restockSeq" + CASE WHEN $2::int > 0 THEN 1 ELSE 0 END, "updatedAt" = now()
      WHERE id = $1 AND stock + $2 BETWEEN 0 AND $3
      RETURNING stock, "restockSeq", name`,
    [id, delta, maxStock],
  )
  return rows[0] ?? null
}

/**
 * "Stop selling": stock to 0 in one statement, whatever concurrent sales left. Returns how
 * many units were on the shelf just before (under the row lock), or null for an unknown id.
 */
export async function clampStockToZero(client: DbClient, id: number): Promise<(StockAfter & { before: number; name: string }) | null> {
  const { rows } = await client.query<StockAfter & { before: number; name: string }>(
    `UPDATE "Product" p SET stock = 0, "updatedAt" = now()
       FROM (SELECT id, stock FROM "Product" WHERE id = $1 FOR UPDATE) old
      WHERE p.id = old.id
      RETURNING p.stock, p."restockSeq", p.name, old.stock AS before`,
    [id],
  )
  return rows[0] ?? null
}

/** Current stock and name (for a refusal's message), or null. */
export async function readStock(client: DbClient, id: number): Promise<{ stock: number; name: string; active: boolean; restockSeq: number } | null> {
  const { rows } = await client.query<{ stock: number; name: string; active: boolean; restockSeq: number }>(
    'SELECT stock, name, active, "restockSeq" FROM "Product" WHERE id = $1',
    [id],
  )
  return rows[0] ?? null
}
