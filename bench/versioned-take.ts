/**
 * The stock step checkout used before issue 12, kept ONLY as a `npm run bench` contender so
 * its cost can be measured in the same run as its replacement: read the row's version, then
 * `UPDATE … SET stock = stock - q, version = version + 1 WHERE id AND version = $v AND
 * stock >= q`; a conflict re-reads and retries (up to 40 times with growing jitter). Every
 * sale bumped the version, which is what made a selling product impossible to edit. Here the
 * bench product's `contentVersion` plays the old `version` column (nothing else edits it).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { DbClient } from '../server/platform/transaction'

const MAX_VERSION_ATTEMPTS = 40
const RETRY_JITTER_MS = 3

/** Takes `quantity` of `productId` the old way; resolves the unit price, or throws when sold out or contention wins. */
export async function takeVersioned(client: DbClient, productId: number, quantity: number): Promise<{ unitPriceCents: number; name: string; currency: string }> {
  for (let attempt = 1; ; attempt++) {
    const { rows } = await client.query<{ stock: number; version: number; priceCents: number; name: string; currency: string }>(
      'SELECT stock, "contentVersion" AS version, "priceCents", name, currency FROM "Product" WHERE id = $1',
      [productId],
    )
    const row = rows[0]!
    if (row.stock < quantity) throw new Error('sold out')
    const updated = await client.query(
      `UPDATE "Product" SET stock = stock - $2, "contentVersion" = "contentVersion" + 1, "updatedAt" = now()
        WHERE id = $1 AND "contentVersion" = $3 AND stock >= $2 RETURNING stock`,
      [productId, quantity, row.version],
    )
    if (updated.rowCount === 1) return { unitPriceCents: row.priceCents, name: row.name, currency: row.currency }
    if (attempt >= MAX_VERSION_ATTEMPTS) throw new Error('too much contention')
    await sleep(Math.random() * RETRY_JITTER_MS * Math.min(attempt, 8))
  }
}
