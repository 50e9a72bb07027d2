/**
 * Surrogate keys: a cached page's entity tags (`product:42`, `category:lamps`, …), sent to our
 * edge so it can purge every page of an entity by key (Varnish's xkey, Fastly's Surrogate-Key).
 *
 * Next keeps a page's tags in its cache entry (`x-next-cache-tags`) but strips that header
 * from responses unless it runs in minimal mode. So the page cache (next-cache-handler.ts)
 * copies them once per entry under SURROGATE_KEYS_HEADER, Next sends that header with the page
 * like any other entry header, and our server renames it to `xkey` (server/web/xkey-header.ts).
 * The keys are exactly the tags `invalidateTags` publishes (server/platform/tag-log.ts), which
 * purges the edges by the same names.
 *
 * Loaded by plain Node inside the cache handler: erasable TypeScript only.
 */

/** Entry header carrying the page's keys from the page cache to our server. */
export const SURROGATE_KEYS_HEADER = 'x-storefront-surrogate-keys'
/** The response header vmod_xkey reads (space-separated keys). */
export const XKEY_HEADER = 'xkey'

/** Next's comma-separated tags → space-separated keys, each once, in order (a tag with whitespace cannot be a key). */
export function surrogateKeys(nextTags: string): string {
  const keys = new Set<string>()
  for (const raw of nextTags.split(',')) {
    const tag = raw.trim()
    if (tag && !/\s/.test(tag)) keys.add(tag)
  }
  return [...keys].join(' ')
}
