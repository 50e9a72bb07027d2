/**
 * Next.js proxy (formerly middleware): a thin composition of request guards that must run
 * before routing. Each guard lives in its own module and answers a Response to stop the
 * request, or null to pass it on.
 *  - server/platform/malformed-url.ts: undecodable percent-escapes → 400 (Next would answer 500).
 */
import { NextResponse, type NextRequest } from 'next/server'
import { rejectMalformedPath } from './server/platform/malformed-url'

export function proxy(request: NextRequest): Response {
  return rejectMalformedPath(request.nextUrl.pathname) ?? NextResponse.next()
}

export const config = {
  // Only paths with a "%" can be undecodable, so every other request skips the proxy entirely
  // (no cost on the cached pages). Next tests the raw and the decoded path against this.
  matcher: ['/(.*%.*)'],
}
