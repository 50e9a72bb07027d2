/**
 * One product for a bench to sell: hot, price $9.99, in the first category, with `stock` units
 * and a slug of its own (`bench-<name>-<time>`), inserted straight into the bench's scratch
 * database. Resolves its id.
 */
import pg from 'pg'

export async function createBenchProduct(databaseUrl: string, name: string, stock: number): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO "Product" (slug, name, description, "priceCents", stock, hot, "categoryId", "updatedAt")
       VALUES ($1, $2, 'bench', 999, $3, true, (SELECT min(id) FROM "Category"), now()) RETURNING id`,
      [`bench-${name}-${Date.now()}`, `Bench ${name}`, stock],
    )
    return rows[0]!.id
  } finally {
    await client.end()
  }
}
