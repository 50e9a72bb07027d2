/**
 * Search behind its feature flag, for every caller: the /search page checks the flag itself
 * (and says "paused"), and `catalog.search` over tRPC goes through here, so an operator who
 * turns search off at /ops sheds every full-text query, not only the page's.
 */
import { AppError } from '../platform/errors'
import { isEnabled } from '../platform/flags'
import { searchProducts } from './catalog.service'
import type { SearchResult } from './catalog.schema'

/** Seconds a caller is asked to wait while search is switched off. */
export const SEARCH_PAUSED_RETRY_SECONDS = 30

/** `searchProducts(q)`, or UNAVAILABLE (503 + Retry-After) while the `search` flag is off. */
export async function searchIfEnabled(q: string): Promise<SearchResult> {
  if (!(await isEnabled('search'))) {
    throw new AppError('UNAVAILABLE', 'Search is paused for a moment while we serve the sale.', { retryAfterSeconds: SEARCH_PAUSED_RETRY_SECONDS })
  }
  return searchProducts(q)
}
