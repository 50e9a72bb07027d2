/**
 * Security headers on every response of the store, set by our server before Next runs:
 *  - Content-Security-Policy without `'unsafe-inline'` for scripts:
 *      · pages Next renders per request (render-modes.ts) get a fresh nonce: it is put into the
 *        request's CSP header, where Next finds it and writes it on every script it emits;
 *      · cached (ISR / prerendered) pages get the hashes of their inline scripts, which the page
 *        cache attached to the entry (server/platform/script-hashes.ts); no nonce, so they stay
 *        cacheable. Why both, with measurements: docs/decision-security-headers.md;
 *    `frame-ancestors 'none'` everywhere, /ops included;
 *  - X-Frame-Options: DENY (older browsers), X-Content-Type-Options: nosniff,
 *    Referrer-Policy, Permissions-Policy, Cross-Origin-Opener-Policy;
 *  - Strict-Transport-Security when the request came over HTTPS, as the socket or a trusted
 *    proxy says (server/platform/client-identity.ts) — never on a client's own word.
 * The CSP itself is finished when the headers are written (`on-headers`), because only then
 * are the cached page's hashes known.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import onHeaders from 'on-headers'
import type { ClientIdentity } from '../platform/client-identity'
import { SCRIPT_HASHES_HEADER } from '../platform/script-hashes'
import type { RenderModes } from './render-modes'

export interface SecurityHeaderOptions {
  dev: boolean
  /** `report-only` sends the policy as Content-Security-Policy-Report-Only (trying a change out). */
  mode: 'enforce' | 'report-only'
  renderModes: RenderModes
}

/** One year; sent only over HTTPS. No includeSubDomains: other hosts of the domain are not ours to force. */
export const HSTS_MAX_AGE_SECONDS = 31_536_000
/** Bytes of randomness in a nonce (128 bits, base64 in the header). */
export const NONCE_BYTES = 16

export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), browsing-topics=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
}

export interface PolicyInput {
  nonce: string | null
  /** `'sha256-…'` sources of a cached page's inline scripts. */
  scriptHashes: string[]
  https: boolean
  dev: boolean
}

/** The Content-Security-Policy value. */
export function contentSecurityPolicy(p: PolicyInput): string {
  const scripts = ["'self'", ...(p.nonce ? [`'nonce-${p.nonce}'`] : []), ...p.scriptHashes, ...(p.dev ? ["'unsafe-eval'"] : [])]
  return [
    "default-src 'self'",
    `script-src ${scripts.join(' ')}`,
    // Styles are our own files; React writes a few `style` attributes (progress bars). The
    // development server injects <style> elements (CSS hot reload, its error overlay).
    `style-src 'self'${p.dev ? " 'unsafe-inline'" : ''}`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(p.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ')
}

/**
 * Called once per request before Next sees it. Mutates `req.headers` (the nonce Next reads;
 * any client-sent CSP header is dropped, so a client can never put a nonce into a cached
 * page) and `res` (headers now, the CSP when the headers are written).
 */
export function applySecurityHeaders(req: IncomingMessage, res: ServerResponse, client: ClientIdentity, opts: SecurityHeaderOptions): void {
  const pathname = (req.url ?? '/').split('?', 1)[0]!
  const nonce = opts.renderModes.perRequest(pathname) ? randomBytes(NONCE_BYTES).toString('base64') : null
  const https = client.protocol === 'https'
  if (nonce) req.headers['content-security-policy'] = contentSecurityPolicy({ nonce, scriptHashes: [], https, dev: opts.dev })
  else delete req.headers['content-security-policy']

  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) res.setHeader(name, value)
  if (https) res.setHeader('Strict-Transport-Security', `max-age=${HSTS_MAX_AGE_SECONDS}`)
  const headerName = opts.mode === 'enforce' ? 'Content-Security-Policy' : 'Content-Security-Policy-Report-Only'
  onHeaders(res, function finishPolicy(this: ServerResponse) {
    const carried = this.getHeader(SCRIPT_HASHES_HEADER)
    this.removeHeader(SCRIPT_HASHES_HEADER)
    const scriptHashes = (Array.isArray(carried) ? carried.join(' ') : String(carried ?? '')).split(' ').filter((s) => s.startsWith("'sha256-"))
    this.setHeader(headerName, contentSecurityPolicy({ nonce, scriptHashes, https, dev: opts.dev }))
  })
}
