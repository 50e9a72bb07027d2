/**
 * Taking and releasing stock, optimistically: read the row's version, then
 * `UPDATE … WHERE id = $id AND version = $v AND stock >= q`. A version conflict means
 * someone else's write committed first: re-read and retry, a bounded number of times
 * with jitter. Lines are taken in product-id order so two carts never deadlock.
 */
import { AppError } from '../platform/errors'
import type { DbClient } from '../platform/db'
import { metrics } from '../platform/metrics'
import * as repo from './inventory.repo'
import type { StockRow } from './inventory.repo'

/** Attempts per line before the checkout is shed with 503 (each conflict = someone else sold). */
export const MAX_VERSION_ATTEMPTS = 40
/** Upper bound of the random pause between attempts, grown with the attempt number. */
export const RETRY_JITTER_MS = 3

export interface Line {
  productId: number
  quantity: number
}

export interface TakenLine extends Line {
  name: string
  unitPriceCents: number
  currency: string
  /** Stock left after this sale. */
  remaining: number
}

export class SoldOutError extends AppError {
  constructor(readonly items: Array<{ id: number; name: string; available: number }>) {
    super('SOLD_OUT', `Sold out: ${items.map((i) => i.name).join(', ')}`, {
      details: { items: items.map((i) => ({ productId: i.id, name: i.name, available: i.available })) },
    })
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
export const jitter = (attempt: number) => Math.random() * RETRY_JITTER_MS * Math.min(attempt, 8)

/** Validates the lines against the rows read in this transaction (unknown, inactive, short). */
export function checkSellable(lines: Line[], rows: StockRow[]): Map<number, StockRow> {
  const byId = new Map(rows.map((r) => [r.id, r]))
  const missing = lines.filter((l) => !byId.get(l.productId)?.active).map((l) => l.productId)
  if (missing.length) {
    throw new AppError('NOT_FOUND', `Not for sale: product ${missing.join(', ')}`, { details: { productIds: missing } })
  }
  const short = lines.filter((l) => byId.get(l.productId)!.stock < l.quantity)
  if (short.length) {
    throw new SoldOutError(short.map((l) => ({ id: l.productId, name: byId.get(l.productId)!.name, available: byId.get(l.productId)!.stock })))
  }
  const currencies = new Set(rows.map((r) => r.currency))
  if (currencies.size > 1) throw new AppError('BAD_INPUT', 'All items in one order must share a currency')
  return byId
}

/** Decrements one line with versioned retries; throws SoldOutError or a 503 when contention will not let up. */
async function takeLine(client: DbClient, row: StockRow, quantity: number): Promise<number> {
  let { version, stock } = row
  for (let attempt = 1; ; attempt++) {
    if (stock < quantity) throw new SoldOutError([{ id: row.id, name: row.name, available: stock }])
    const remaining = await repo.takeVersioned(client, row.id, quantity, version)
    if (remaining !== null) return remaining
    metrics.inventoryConflicts.inc()
    if (attempt >= MAX_VERSION_ATTEMPTS) {
      throw new AppError('UNAVAILABLE', 'So many shoppers are buying this right now that we could not reserve it. Please try again.', {
        retryAfterSeconds: 1,
      })
    }
    await sleep(jitter(attempt))
    const fresh = await repo.readStockVersion(client, row.id)
    if (!fresh) throw new AppError('NOT_FOUND', `Not for sale: product ${row.id}`)
    ;({ version, stock } = fresh)
  }
}

/** Takes every line inside the caller's transaction, in product-id order. All or nothing. */
export async function takeStock(client: DbClient, lines: Line[]): Promise<TakenLine[]> {
  const sorted = [...lines].sort((a, b) => a.productId - b.productId)
  const byId = checkSellable(sorted, await repo.readForSale(client, sorted.map((l) => l.productId)))
  const taken: TakenLine[] = []
  for (const line of sorted) {
    const row = byId.get(line.productId)!
    const remaining = await takeLine(client, row, line.quantity)
    taken.push({ ...line, name: row.name, unitPriceCents: row.priceCents, currency: row.currency, remaining })
  }
  return taken
}

/** Puts stock back with versioned increments (a failed order), inside the caller's transaction. */
export async function releaseStock(client: DbClient, lines: Line[]): Promise<void> {
  for (const line of [...lines].sort((a, b) => a.productId - b.productId)) {
    for (let attempt = 1; ; attempt++) {
      const current = await repo.readStockVersion(client, line.productId)
      if (!current) break // product deleted: nothing to give back to
      if ((await repo.releaseVersioned(client, line.productId, line.quantity, current.version)) !== null) break
      metrics.inventoryConflicts.inc()
      if (attempt >= MAX_VERSION_ATTEMPTS) throw new Error(`could not release stock of product ${line.productId}`)
      await sleep(jitter(attempt))
    }
  }
}
