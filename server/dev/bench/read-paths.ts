/**
 * Read-path pairs for `npm run bench`, each measured with the same closed loop, interleaved:
 *  - a cached product page from `next start` vs a plain node:http server sending the same
 *    gzip bytes (page-vs-node.ts);
 *  - the stock read through tRPC (`catalog.stock`) vs the plain route handler
 *    app/api/stock/[productId] doing the same validation and service call.
 */
import superjson from 'superjson'
import { indexedClientAddress } from '../test-store'
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
    private readonly path: string,
    readonly twin: PageTwin,
  ) {}

  static async start(storeUrl: string, path: string): Promise<PagePair> {
    // Twice: the first request may render; the second is the cached page shoppers get.
    await fetch(new URL(path, storeUrl)).then((r) => r.arrayBuffer())
    return new PagePair(new URL(storeUrl).origin, path, await servePageTwin(new URL(path, storeUrl).toString()))
  }

  next(ms: number): Promise<ClosedLoopResult> {
    return closedLoop(this.storeOrigin, { path: this.path, headers: PAGE_REQUEST_HEADERS }, PAGE_CONNECTIONS, ms)
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
