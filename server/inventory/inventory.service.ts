/**
 * Taking and releasing stock: the inventory domain owns every stock statement and the retry
 * around them. A sale is one guarded, atomic UPDATE per product (`stock >= q`,
 * inventory.repo.ts), no version. The price and name are read in the same transaction just
 * before; a content edit committing in between changes nothing that matters (the buyer's
 * request started before that edit committed, and the total they confirmed is checked
 * against what was read). A guard that refuses means someone else took units (or the product
 * was deactivated) meanwhile: re-read and decide again, a bounded number of times
 * (MAX_TAKE_ATTEMPTS, with jitter). Products are taken in id order so two carts never deadlock.
 *
 * One entry point, {@link sellToClaims}, serves every checkout: a folded batch of many buyers
 * of one product and a single multi-line order are both a list of claims.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { AppError } from '../platform/errors'
import type { DbClient } from '../platform/transaction'
import { metrics } from '../platform/metrics'
import * as repo from './inventory.repo'
import type { SaleRow } from './inventory.repo'

/** Re-reads after a refused guard before the checkout is shed with 503. */
export const MAX_TAKE_ATTEMPTS = 10
/** Upper bound of the random pause between attempts, grown with the attempt number. */
export const RETRY_JITTER_MS = 3
/** The attempt number past which the pause stops growing. */
const JITTER_GROWTH_CAP = 8

export interface Line {
  productId: number
  quantity: number
}

/** A line priced as read in the checkout transaction. */
export interface PricedLine extends Line {
  name: string
  unitPriceCents: number
  currency: string
}

export interface TakenLine extends PricedLine {
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

/**
 * What a shopper is told about short lines: "Sold out: A, B" for none left, "Only 2 of C left"
 * for fewer than asked ("Sold out" for an item still on the shelf would be untrue).
 */
export function shortLinesMessage(items: ReadonlyArray<{ name: string; available: number }>): string {
  const gone = items.filter((i) => i.available <= 0).map((i) => i.name)
  const few = items.filter((i) => i.available > 0).map((i) => `${i.available} of ${i.name}`)
  return [gone.length > 0 ? `Sold out: ${gone.join(', ')}` : '', few.length > 0 ? `Only ${few.join(', ')} left` : ''].filter(Boolean).join('. ')
}

export class SoldOutError extends AppError {
  constructor(readonly items: ShortItem[]) {
    super('SOLD_OUT', shortLinesMessage(items), {
      details: { items: items.map((i) => ({ productId: i.id, name: i.name, available: i.available })) },
    })
  }
}

/** What pricing a line needs of its product: the row read for sale and the catalog's cached summary both carry it. */
export interface LinePricing {
  name: string
  priceCents: number
  currency: string
  active: boolean
}

/**
 * `lines` sorted by product id and priced from `pricing` (per product id). Throws NOT_FOUND
 * (unknown or inactive products, all named in `details.productIds`) or BAD_INPUT (lines in more
 * than one currency, each named; `details.productIds` per currency). Checkout's transaction and its cheap pre-check (precheck-order.ts) both
 * price with it, so both refuse alike.
 */
export function priceLines(lines: readonly Line[], pricing: ReadonlyMap<number, LinePricing>): PricedLine[] {
  const sorted = [...lines].sort((a, b) => a.productId - b.productId)
  const missing = sorted.filter((l) => !pricing.get(l.productId)?.active).map((l) => l.productId)
  if (missing.length > 0) {
    throw new AppError('NOT_FOUND', `Not for sale: product ${missing.join(', ')}`, { details: { productIds: missing } })
  }
  const priced = sorted.map((l) => {
    const p = pricing.get(l.productId)!
    return { ...l, name: p.name, unitPriceCents: p.priceCents, currency: p.currency }
  })
  const byCurrency = new Map<string, PricedLine[]>()
  for (const l of priced) byCurrency.set(l.currency, [...(byCurrency.get(l.currency) ?? []), l])
  if (byCurrency.size > 1) {
    const named = [...byCurrency].map(([currency, lines]) => `${currency}: ${lines.map((l) => l.name).join(', ')}`)
    const productIds = Object.fromEntries([...byCurrency].map(([currency, lines]) => [currency, lines.map((l) => l.productId)]))
    throw new AppError('BAD_INPUT', `All items in one order must share a currency (${named.join('; ')})`, { details: { productIds } })
  }
  return priced
}

const busyError = () =>
  new AppError('UNAVAILABLE', 'So many shoppers are buying this right now that we could not reserve it. Please try again.', {
    retryAfterSeconds: 1,
  })

const jitter = (attempt: number) => Math.random() * RETRY_JITTER_MS * Math.min(attempt, JITTER_GROWTH_CAP)

/**
 * One buyer's claim on stock. `accept` turns the lines, priced as read, into what the caller
 * will write (the order); throwing refuses this claim alone, and its units stay on the shelf.
 */
export interface StockClaim<T> {
  lines: Line[]
  accept: (priced: PricedLine[]) => T
}

/** A claim served (`value` from `accept`, the lines taken) or refused (`error`). */
export type ClaimOutcome<T> = { ok: true; value: T; taken: TakenLine[] } | { ok: false; error: unknown }

/**
 * Prices one claim against the rows read and what earlier claims left (`left`, per product).
 * Throws NOT_FOUND (unknown or inactive product), BAD_INPUT (lines in more than one currency)
 * or SoldOutError (short lines, with what was left).
 */
function priceClaim(lines: Line[], rows: ReadonlyMap<number, SaleRow>, left: ReadonlyMap<number, number>): PricedLine[] {
  const priced = priceLines(lines, rows)
  const short = priced.filter((l) => left.get(l.productId)! < l.quantity)
  if (short.length) {
    throw new SoldOutError(
      short.map((l) => {
        const row = rows.get(l.productId)!
        return { id: row.id, name: row.name, available: left.get(l.productId)!, restockSeq: row.restockSeq }
      }),
    )
  }
  return priced
}

/**
 * Sells stock to `claims` inside the caller's transaction, first come first served (array
 * order): one read of every product involved, each claim priced against what the claims
 * before it left, then ONE guarded UPDATE per product for the total of the claims served.
 * A refused UPDATE (others sold units since the read) undoes this attempt's takes (a
 * savepoint, only when several products are involved) and starts again from the read, at
 * most MAX_TAKE_ATTEMPTS times; after that every claim is refused with UNAVAILABLE (503).
 * Returns one outcome per claim, in order; never throws for a refused claim.
 */
export async function sellToClaims<T>(client: DbClient, claims: ReadonlyArray<StockClaim<T>>): Promise<Array<ClaimOutcome<T>>> {
  const ids = [...new Set(claims.flatMap((c) => c.lines.map((l) => l.productId)))].sort((a, b) => a - b)
  const undoable = ids.length > 1
  for (let attempt = 1; ; attempt++) {
    const rows = new Map((await repo.readForSale(client, ids)).map((r) => [r.id, r]))
    const left = new Map([...rows.values()].map((r) => [r.id, r.stock]))
    const served = claims.map((claim) => {
      try {
        const priced = priceClaim(claim.lines, rows, left)
        const value = claim.accept(priced)
        for (const l of priced) left.set(l.productId, left.get(l.productId)! - l.quantity)
        return { ok: true as const, value, priced }
      } catch (error) {
        return { ok: false as const, error }
      }
    })
    const totals = ids.map((id) => ({ id, units: (rows.get(id)?.stock ?? 0) - (left.get(id) ?? 0) })).filter((t) => t.units > 0)
    if (undoable && totals.length > 0) await repo.markUndoPoint(client)
    const after = new Map<number, repo.StockAfter>()
    for (const { id, units } of totals) {
      const taken = await repo.takeUnits(client, id, units)
      if (!taken) break
      after.set(id, taken)
    }
    if (after.size === totals.length) {
      return served.map((s): ClaimOutcome<T> =>
        s.ok ? { ok: true, value: s.value, taken: s.priced.map((l) => ({ ...l, remaining: after.get(l.productId)!.stock, restockSeq: after.get(l.productId)!.restockSeq })) } : s,
      )
    }
    // Others took units (or deactivated a product) since the read: undo, re-read, allocate again.
    if (undoable) await repo.undoToPoint(client)
    metrics.inventoryRetries.inc()
    if (attempt >= MAX_TAKE_ATTEMPTS) return claims.map((): ClaimOutcome<T> => ({ ok: false, error: busyError() }))
    await sleep(jitter(attempt))
  }
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
