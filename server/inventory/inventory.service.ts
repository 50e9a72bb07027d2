/**
 * Taking and releasing stock at checkout and settlement: one guarded, atomic UPDATE per
 * line (`stock >= q`, inventory.repo.ts), no version. The price and name are read in the
 * same transaction just before; a content edit committing in between changes nothing that
 * matters (the buyer's request started before that edit committed, and the total they
 * confirmed is checked against what was read). A guard that refuses means someone else took
 * units (or the product was deactivated) meanwhile: re-read and decide again, a bounded
 * number of times. Lines are taken in product-id order so two carts never deadlock.
 */
import { AppError } from '../platform/errors'
import type { DbClient } from '../platform/db'
import { metrics } from '../platform/metrics'
import * as repo from './inventory.repo'
import type { SaleRow } from './inventory.repo'

/** Re-reads per line after a refused guard before the checkout is shed with 503. */
export const MAX_TAKE_ATTEMPTS = 10
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
  /** The product's restock sequence at this sale (to close the sold-out gate at a zero). */
  restockSeq: number
}

/** A product that could not be sold in full: `available` units were left, at `restockSeq`. */
export interface ShortItem {
  id: number
  name: string
  available: number
  restockSeq: number
}

export class SoldOutError extends AppError {
  constructor(readonly items: ShortItem[]) {
    super('SOLD_OUT', `Sold out: ${items.map((i) => i.name).join(', ')}`, {
      details: { items: items.map((i) => ({ productId: i.id, name: i.name, available: i.available })) },
    })
  }
}

export const busyError = () =>
  new AppError('UNAVAILABLE', 'So many shoppers are buying this right now that we could not reserve it. Please try again.', {
    retryAfterSeconds: 1,
  })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
export const jitter = (attempt: number) => Math.random() * RETRY_JITTER_MS * Math.min(attempt, 8)

const shortItem = (row: Pick<SaleRow, 'id' | 'name' | 'stock' | 'restockSeq'>): ShortItem => ({
  id: row.id,
  name: row.name,
  available: row.stock,
  restockSeq: row.restockSeq,
})

/** Validates the lines against the rows read in this transaction (unknown, inactive, short). */
export function checkSellable(lines: Line[], rows: SaleRow[]): Map<number, SaleRow> {
  const byId = new Map(rows.map((r) => [r.id, r]))
  const missing = lines.filter((l) => !byId.get(l.productId)?.active).map((l) => l.productId)
  if (missing.length) {
    throw new AppError('NOT_FOUND', `Not for sale: product ${missing.join(', ')}`, { details: { productIds: missing } })
  }
  const short = lines.filter((l) => byId.get(l.productId)!.stock < l.quantity)
  if (short.length) throw new SoldOutError(short.map((l) => shortItem(byId.get(l.productId)!)))
  const currencies = new Set(rows.map((r) => r.currency))
  if (currencies.size > 1) throw new AppError('BAD_INPUT', 'All items in one order must share a currency')
  return byId
}

/**
 * Takes `quantity` of `row` with the guarded UPDATE; after a refusal, re-reads and retries
 * while enough is left. Throws SoldOutError, NOT_FOUND (deactivated meanwhile) or a 503.
 */
async function takeLine(client: DbClient, row: SaleRow, quantity: number): Promise<repo.StockAfter> {
  for (let attempt = 1; ; attempt++) {
    const after = await repo.takeUnits(client, row.id, quantity)
    if (after) return after
    metrics.inventoryRetries.inc()
    const now = await repo.readStock(client, row.id)
    if (!now?.active) throw new AppError('NOT_FOUND', `Not for sale: product ${row.id}`, { details: { productIds: [row.id] } })
    if (now.stock < quantity) throw new SoldOutError([shortItem({ id: row.id, name: now.name, stock: now.stock, restockSeq: now.restockSeq })])
    if (attempt >= MAX_TAKE_ATTEMPTS) throw busyError()
    await sleep(jitter(attempt))
  }
}

/** Takes every line inside the caller's transaction, in product-id order. All or nothing. */
export async function takeStock(client: DbClient, lines: Line[]): Promise<TakenLine[]> {
  const sorted = [...lines].sort((a, b) => a.productId - b.productId)
  const byId = checkSellable(sorted, await repo.readForSale(client, sorted.map((l) => l.productId)))
  const taken: TakenLine[] = []
  for (const line of sorted) {
    const row = byId.get(line.productId)!
    const after = await takeLine(client, row, line.quantity)
    taken.push({ ...line, name: row.name, unitPriceCents: row.priceCents, currency: row.currency, remaining: after.stock, restockSeq: after.restockSeq })
  }
  return taken
}

/**
 * Puts a failed order's units back (one atomic increment per line, bumping `restockSeq`),
 * inside the caller's transaction. Resolves each product's restock sequence afterwards, for
 * reopening its sold-out gate.
 */
export async function releaseStock(client: DbClient, lines: Line[]): Promise<Array<{ productId: number; restockSeq: number }>> {
  const released: Array<{ productId: number; restockSeq: number }> = []
  for (const line of [...lines].sort((a, b) => a.productId - b.productId)) {
    const after = await repo.releaseUnits(client, line.productId, line.quantity)
    if (after) released.push({ productId: line.productId, restockSeq: after.restockSeq }) // null: product deleted, nothing to give back to
  }
  return released
}
