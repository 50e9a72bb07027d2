/**
 * Checkout's cheap checks, for a call that would take a place in the waiting room's line: what
 * checkout proper refuses before it touches stock (an unknown or withdrawn product, lines in
 * two currencies, a total over MAX_ORDER_TOTAL_CENTS or not the one the shopper saw), with the
 * same AppError code and message (the same functions: inventory.service.ts, order-draft.ts).
 * A bad order then gets its 4xx at once instead of waiting in line for it.
 *
 * Read from the catalog's cached records (one MGET; the database only for ids not cached). A
 * refusal is confirmed against the primary database before it is given: a cached copy that
 * lags an edit never refuses a good order. Stock is not checked here (that is the sold-out
 * gate's and the transaction's job).
 */
import { getProductSummaries } from '../catalog/catalog.service'
import { priceLines, type LinePricing } from '../inventory/inventory.service'
import { AppError } from '../platform/errors'
import { findPricing } from './checkout.repo'
import type { PlaceOrderInput } from './checkout.schema'
import { checkedTotal } from './order-draft'

/** The error checkout would answer for `input` priced with `pricing`, or null. */
function verdict(input: Pick<PlaceOrderInput, 'lines' | 'expectedTotalCents'>, pricing: ReadonlyMap<number, LinePricing>): AppError | null {
  try {
    checkedTotal(input, priceLines(input.lines, pricing))
    return null
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
}

/**
 * The AppError checkout would refuse `input` with before touching stock (NOT_FOUND, BAD_INPUT,
 * CONFLICT: see above), or null when these checks pass. Throws only when neither the cache nor
 * the database can be read.
 */
export async function refusalOf(input: Pick<PlaceOrderInput, 'lines' | 'expectedTotalCents'>): Promise<AppError | null> {
  const ids = input.lines.map((l) => l.productId)
  const cached = verdict(input, await getProductSummaries(ids))
  if (!cached) return null
  return verdict(input, new Map((await findPricing(ids)).map((row) => [row.id, row])))
}
