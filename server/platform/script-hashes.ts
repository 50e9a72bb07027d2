/**
 * CSP hashes of a cached page's inline scripts, so cached pages can run under a
 * Content-Security-Policy without `'unsafe-inline'` and without a per-request nonce (which
 * would have to be rendered into the page, and so make it uncacheable).
 *
 * The page cache (next-cache-handler.ts) attaches them to every cached page entry under
 * SCRIPT_HASHES_HEADER once; Next sends that header with the page, and our server folds it
 * into the policy (server/web/security-headers.ts) and removes it.
 *
 * Why hashing "every inline script in the entry" is sound: a cache entry is rendered by our
 * own code from the database at build or revalidation time, never from the request, and
 * React escapes every piece of data it writes (inside Next's inline flight scripts too:
 * `<` becomes `\u003c`), so the inline scripts in it are exactly the ones Next wrote.
 * Hand-written: a regular expression is enough for script elements' raw text, which ends
 * at the first `</script`, exactly as the browser parses it.
 *
 * Loaded by plain Node inside the cache handler: erasable TypeScript only.
 */
import { createHash } from 'node:crypto'

/** Response header carrying `'sha256-…' 'sha256-…'` from the page cache to our server. */
export const SCRIPT_HASHES_HEADER = 'x-storefront-script-hashes'

const INLINE_SCRIPT = /<script(?![^>]*\ssrc=)(?:\s[^>]*)?>([\s\S]*?)<\/script/gi

/** `'sha256-<base64>'` sources for each distinct inline script of `html`, in order of appearance. */
export function inlineScriptHashes(html: string): string[] {
  const seen = new Set<string>()
  for (const match of html.matchAll(INLINE_SCRIPT)) {
    const body = match[1] ?? ''
    if (body.length === 0) continue
    seen.add(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`)
  }
  return [...seen]
}
