/**
 * What the drill's traffic and browsers need to know about the seeded catalog, read from its
 * database before the run, and the one change the drill makes to it: the doorbuster's stock.
 */
import type pg from 'pg'
import type { TrafficCatalog } from '../load/traffic'

/** Regular products need this much stock to never sell out during a drill. */
const PLENTY = 300
/** A browser buys one of these per category (on the first "popular" page, never the hot SKU). */
const BUYABLE_PER_CATEGORY = 6

export interface CatalogFacts {
  traffic: TrafficCatalog
  hotSlug: string
  /** Another hot SKU, sold out from the start, that the drill's admin restocks during the hold. */
  restockId: number
  /** Category slug → product slugs a browser journey may buy from that category's first page. */
  buyable: Record<string, string[]>
}

export async function readCatalogFacts(pool: pg.Pool, prewarmTop: number): Promise<CatalogFacts> {
  const q = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await pool.query<T>(sql, params)).rows
  const top = await q<{ slug: string }>(
    'SELECT slug FROM "Product" WHERE active ORDER BY hot DESC, popularity DESC, id ASC LIMIT $1',
    [prewarmTop],
  )
  const tail = await q<{ slug: string }>(
    'SELECT slug FROM "Product" WHERE active ORDER BY hot DESC, popularity DESC, id ASC OFFSET $1 LIMIT 2000',
    [prewarmTop],
  )
  const categories = await q<{ slug: string }>('SELECT slug FROM "Category" ORDER BY position')
  const regular = await q<{ id: number }>('SELECT id FROM "Product" WHERE active AND NOT hot AND stock >= $1 ORDER BY id LIMIT 400', [PLENTY])
  const [hot] = await q<{ id: number; slug: string }>('SELECT id, slug FROM "Product" WHERE active AND hot ORDER BY popularity DESC, id LIMIT 1')
  if (!hot) throw new Error('the seeded catalog has no hot product')
  const hotIds = await q<{ id: number }>('SELECT id FROM "Product" WHERE active AND hot ORDER BY id')
  const [restock] = await q<{ id: number }>('SELECT id FROM "Product" WHERE active AND hot AND id <> $1 ORDER BY popularity DESC, id LIMIT 1', [hot.id])
  if (!restock) throw new Error('the seeded catalog has only one hot product: nothing to restock')
  const names = await q<{ name: string }>('SELECT name FROM "Product" WHERE active ORDER BY popularity DESC LIMIT 100')
  const words = [...new Set(names.flatMap((n) => n.name.toLowerCase().split(/[^a-z]+/)).filter((w) => w.length >= 4))].slice(0, 30)
  const buyableRows = await q<{ category: string; slug: string }>(
    `SELECT c.slug AS category, p.slug FROM "Category" c
       CROSS JOIN LATERAL (
         SELECT slug, stock, hot FROM "Product" WHERE "categoryId" = c.id AND active ORDER BY popularity DESC, id LIMIT 24
       ) p
      WHERE NOT p.hot AND p.stock >= $1`,
    [PLENTY / 3],
  )
  const buyable: Record<string, string[]> = {}
  for (const row of buyableRows) {
    const list = (buyable[row.category] ??= [])
    if (list.length < BUYABLE_PER_CATEGORY) list.push(row.slug)
  }
  return {
    hotSlug: hot.slug,
    restockId: restock.id,
    buyable,
    traffic: {
      topSlugs: top.map((r) => r.slug),
      longTailSlugs: tail.map((r) => r.slug),
      categorySlugs: categories.map((r) => r.slug),
      searchTerms: words.length > 0 ? words : ['chair'],
      regularIds: regular.map((r) => r.id),
      stockIds: [...hotIds.map((r) => r.id), ...regular.slice(0, 40).map((r) => r.id)],
      hotId: hot.id,
    },
  }
}

/** Puts `units` of the doorbuster on the shelf (before the store caches anything about it). */
export async function setHotStock(pool: pg.Pool, productId: number, units: number): Promise<void> {
  await pool.query('UPDATE "Product" SET stock = $2, "updatedAt" = now() WHERE id = $1', [productId, units])
}

/** Empties the SKU the admin will restock (before the store caches anything about it). */
export async function setSoldOut(pool: pg.Pool, productId: number): Promise<void> {
  await pool.query('UPDATE "Product" SET stock = 0, "updatedAt" = now() WHERE id = $1', [productId])
}

/** Every product's stock right now: the "initial" side of the conservation check. */
export async function stockSnapshot(pool: pg.Pool): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ id: number; stock: number }>('SELECT id, stock FROM "Product"')
  return new Map(rows.map((r) => [r.id, r.stock]))
}
