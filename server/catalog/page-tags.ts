import 'server-only'

import { unstable_cache } from 'next/cache'

/**
 * Attaches cache tags to the ISR page being rendered. Outside Cache Components, Next
 * collects a page's tags only from `fetch()` and `unstable_cache()`; our data comes from
 * the Redis layer instead, so this runs a no-op through `unstable_cache` with the tags
 * (per entity: `product:{id}`, `category:{slug}`, listing tags). The page cache handler
 * (server/platform/next-cache-handler.ts) compares them with the shared invalidation log.
 * See docs/decision-caching.md for why not Cache Components' `cacheTag()`.
 */
export async function tagPage(tags: readonly string[]): Promise<void> {
  const unique = [...new Set(tags)].sort()
  await unstable_cache(async () => unique.length, ['page-tags', ...unique], { tags: unique, revalidate: false })()
}
