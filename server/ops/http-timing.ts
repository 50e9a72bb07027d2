/**
 * Page and route-handler latency, measured in process: Node's HTTP server publishes
 * `http.server.request.start` and `http.server.response.finish` on diagnostics_channel for
 * every request `next start` serves. Subscribed once from instrumentation.ts, this times
 * each request from the moment Node parsed it to the moment the last byte of the response
 * was handed to the socket — everything Next does in between (routing, page cache, render,
 * streaming) included. A proxy (proxy.ts) could not do this: it never sees the response end.
 *
 * tRPC requests are skipped here (the tRPC middleware times each procedure of a batch);
 * the page cache's `x-nextjs-cache` answer is counted for the hit ratio.
 *
 * Per request: a number stored on the request object, then the O(1) recorder call.
 */
import { subscribe } from 'node:diagnostics_channel'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { outcomeOfStatus, requestStats } from '../platform/request-stats'
import type { RouteNamer } from './route-names'

const STARTED = Symbol.for('storefront.requestStartedAt')
type TimedRequest = IncomingMessage & { [STARTED]?: number }

interface ServerMessage {
  request: TimedRequest
  response: ServerResponse
  server: Server
}

export interface HttpTimingOptions {
  routeOf: RouteNamer
  /** Called once with the port the HTTP server listens on (the instance's own URL for pre-warm). */
  onListening?: (port: number) => void
}

const SUBSCRIBED = Symbol.for('storefront.httpTimingSubscribed')
const g = globalThis as unknown as { [SUBSCRIBED]?: boolean }

export function startHttpTiming(opts: HttpTimingOptions): void {
  if (g[SUBSCRIBED]) return
  g[SUBSCRIBED] = true
  let portReported = false

  subscribe('http.server.request.start', (message) => {
    const { request, server } = message as ServerMessage
    request[STARTED] = performance.now()
    if (!portReported && opts.onListening) {
      const address = server.address() as AddressInfo | string | null
      if (address && typeof address === 'object') {
        portReported = true
        opts.onListening(address.port)
      }
    }
  })

  subscribe('http.server.response.finish', (message) => {
    const { request, response } = message as ServerMessage
    const started = request[STARTED]
    if (started === undefined) return
    const route = opts.routeOf(request.url ?? '/')
    if (route === null) return
    requestStats.record(route, performance.now() - started, outcomeOfStatus(response.statusCode))
    const cache = response.getHeader('x-nextjs-cache')
    if (typeof cache === 'string') requestStats.recordPageCache(cache)
  })
}
