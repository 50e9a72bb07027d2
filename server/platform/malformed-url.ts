/**
 * Refusing URLs whose path cannot be decoded (`/p/%`, `/p/%zz`, `/p/%C0%AF`: a `%` not followed
 * by two hex digits, or escapes that are not UTF-8) with a 400 before any route sees them.
 *
 * Why here and not in each route: Next decodes dynamic segments itself, before a page or route
 * handler runs, and its DecodeError is answered with a 500 in the App Router (the compiled
 * route module throws its own copy of the error class, which the server's 400 branch does not
 * recognise). So no route can catch it, and /ops counted every such request as a server error.
 * Applied from the root `proxy.ts`, so it works under `next start`, a custom server or any host
 * that runs Next's proxy.
 *
 * Hand-written because it is one loop over `decodeURIComponent`, the same function Next uses to
 * decode segments: a path passes here exactly when Next can decode it.
 */

/** A path segment is malformed when `decodeURIComponent` (what Next applies to it) throws. */
export function hasMalformedSegment(pathname: string): boolean {
  if (!pathname.includes('%')) return false
  for (const segment of pathname.split('/')) {
    if (!segment.includes('%')) continue
    try {
      decodeURIComponent(segment)
    } catch {
      return true
    }
  }
  return false
}

export const MALFORMED_URL_MESSAGE = 'Bad request: the address contains an invalid percent-escape (a "%" must start an escape like %20).'

/**
 * The 400 answer for a path Next could not decode, or `null` to let the request through.
 * Plain text, never cached: it is about this one malformed address.
 */
export function rejectMalformedPath(pathname: string): Response | null {
  if (!hasMalformedSegment(pathname)) return null
  return new Response(MALFORMED_URL_MESSAGE, {
    status: 400,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  })
}
