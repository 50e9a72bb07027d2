/**
 * Read-path pairs for `npm run bench`, each measured with the same closed loop, interleaved:
 *  - a cached product page from our server and from plain `next start` vs a plain node:http
 *    server sending the same gzip bytes (page-vs-node.ts);
 *  - the stock read through tRPC (`catalog.stock`) vs the plain route handler
 *    app/api/stock/[productId] doing the same validation and service call.
 */
import superjson from 'superjson'
import { indexedClientAddress } from '../testing/test-store'
import { closedLoop, type ClosedLoopResult } from './closed-loop'

/** Reads come from many shoppers (the store trusts the bench as its edge): the `browse` limit is per shopper. */
const READERS = 4_096
const asReader = (i: number) => ({ 'x-forwarded-for': indexedClientAddress(i % READERS) })
import { PAGE_REQUEST_HEADERS, servePageTwin, type PageTwin } from './page-vs-node'

export const PAGE_CONNECTIONS = 50
export const STOCK_CONNECTIONS = 32

export class PagePair {
  private constructor(
    private readonly storeOrigin: string,
    private readonly plainNextOrigin: string,
    private readonly path: string,
    readonly twin: PageTwin,
  ) {}

  /** `storeUrl`: our server; `plainNextUrl`: plain `next start` on the same build, database and Redis. */
  static async start(storeUrl: string, plainNextUrl: string, path: string): Promise<PagePair> {
    // Twice: the first request may render; the second is the cached page shoppers get.
    for (const base of [storeUrl, plainNextUrl]) await fetch(new URL(path, base)).then((r) => r.arrayBuffer())
    return new PagePair(new URL(storeUrl).origin, new URL(plainNextUrl).origin, path, await servePageTwin(new URL(path, storeUrl).toString()))
  }

  /** Our server (server/web/web-server.ts: client identity, security headers, then Next). */
  next(ms: number): Promise<ClosedLoopResult> {
    return closedLoop(this.storeOrigin, { path: this.path, headers: PAGE_REQUEST_HEADERS }, PAGE_CONNECTIONS, ms)
  }

  /**
   * The same page rendered for every request, as a per-request CSP nonce would force it to be:
   * Next's draft-mode cookie (the build's `previewModeId`) bypasses the page cache.
   */
  perRequest(ms: number, previewModeId: string): Promise<ClosedLoopResult> {
    const headers = { ...PAGE_REQUEST_HEADERS, cookie: `__prerender_bypass=${previewModeId}` }
    return closedLoop(this.storeOrigin, { path: this.path, headers }, PAGE_CONNECTIONS, ms)
  }

  /** Plain `next start`, for what our server costs on top of it. */
  plainNext(ms: number): Promise<ClosedLoopResult> {
    return closedLoop(this.plainNextOrigin, { path: this.path, headers: PAGE_REQUEST_HEADERS }, PAGE_CONNECTIONS, ms)
  }

  plain(ms: number): Promise<ClosedLoopResult> {
    return closedLoop(this.twin.origin, { path: '/', headers: PAGE_REQUEST_HEADERS }, PAGE_CONNECTIONS, ms)
  }
}

export function stockViaTrpc(storeUrl: string, productId: number, ms: number): Promise<ClosedLoopResult> {
  const input = encodeURIComponent(JSON.stringify(superjson.serialize({ productId })))
  return closedLoop(new URL(storeUrl).origin, { path: `/api/trpc/catalog.stock?input=${input}`, headersFor: asReader }, STOCK_CONNECTIONS, ms)
}

export function stockViaRoute(storeUrl: string, productId: number, ms: number): Promise<ClosedLoopResult> {
  return closedLoop(new URL(storeUrl).origin, { path: `/api/stock/${productId}`, headersFor: asReader }, STOCK_CONNECTIONS, ms)
}
