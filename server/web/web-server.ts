/**
 * The store's HTTP server: Next.js through its documented custom-server API
 * (`next({ … })`, `prepare()`, `getRequestHandler()`), with our own first step on every
 * request, before Next sees it:
 *  1. the client is resolved from the socket and the trust configuration, and the forwarding
 *     headers are overwritten with the result (server/platform/client-trust.ts) — `next start`
 *     alone would keep a client's own X-Forwarded-For;
 *  2. the security headers are set (server/web/security-headers.ts), with this request's CSP nonce;
 *  3. a cached page's surrogate keys go out as `xkey`, for our edge (server/web/xkey-header.ts).
 * Then, in production, `/api/trpc/*` is answered by the tRPC Node adapter in this process
 * (server/api/trpc-node-handler.ts, the API service's handler) instead of Next's route handler:
 * the same router, context and answers without Next's request pipeline (the stock read: 4.2 →
 * 3.6 ms of CPU per call, docs/decision-api-service.md, "In the store's own process").
 * `next dev` keeps the route handler, so an edited procedure reloads. Every other path goes to Next.
 *
 * `npm start`, `npm run dev` and every test store run this server (server/web/web-main.ts).
 * What it costs against plain `next start`: docs/decision-client-identity.md.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import next from 'next'
import { createTrpcNodeHandler, TRPC_BASE_PATH, type NodeRequestHandler } from '../api/trpc-node-handler'
import type { ClientIdentity, ClientTrust } from '../platform/client-identity'
import { normalizeClientHeaders } from '../platform/client-trust'
import { isDraining } from '../health/draining'
import { logger } from '../platform/logger'
import { applySecurityHeaders, type SecurityHeaderOptions } from './security-headers'
import { exposeSurrogateKeys } from './xkey-header'
import { answerClientErrors } from '../platform/client-error'
import { listen } from '../platform/listen'
import { primeOperatorSettings } from '../health/prime-settings'
import { hasMalformedSegment } from '../platform/malformed-url'
import { provideCacheHandlerModules } from './cache-handler-modules'

const log = logger.child({ module: 'web-server' })

/**
 * Idle keep-alive connections live this long (Node's default is 5 s): longer than the edge's
 * `backend_idle_timeout` (60 s), so Varnish never sends a request on a connection this server
 * is closing at that moment (a 503 for a POST, which the edge does not retry).
 */
export const WEB_KEEP_ALIVE_TIMEOUT_MS = 65_000

export interface WebServerOptions {
  dev: boolean
  host: string
  /** 0 = any free port (see `url`). */
  port: number
  trust: ClientTrust
  security: SecurityHeaderOptions
  /** The app's folder (default: the working directory). */
  dir?: string
}

export interface WebServer {
  server: Server
  url: string
  /** Stops accepting connections, ends idle ones and closes Next (dev: its watchers). */
  close(): Promise<void>
}

/**
 * A tRPC call this process answers itself. A path with an undecodable escape goes to Next, whose
 * proxy (proxy.ts) answers it 400 as for every other path.
 */
function isTrpcPath(url: string | undefined): boolean {
  if (url === undefined || !url.startsWith(TRPC_BASE_PATH)) return false
  return !hasMalformedSegment(url.split('?', 1)[0]!)
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const server = createServer()
  // A request the HTTP parser refuses (a 100,000-character URL: 431) gets a readable body.
  answerClientErrors(server)
  // The edge, not this server, ends idle keep-alive connections (see API_KEEP_ALIVE_TIMEOUT_MS).
  server.keepAliveTimeout = WEB_KEEP_ALIVE_TIMEOUT_MS
  provideCacheHandlerModules()
  const app = next({ dev: opts.dev, dir: opts.dir, hostname: opts.host, port: opts.port, httpServer: server })
  await app.prepare()
  // The operator's settings are known before the first request (not the defaults).
  await primeOperatorSettings()
  const handle = app.getRequestHandler()
  const clients = new WeakMap<IncomingMessage, ClientIdentity>()
  const trpc: NodeRequestHandler | null = opts.dev ? null : createTrpcNodeHandler((req) => clients.get(req)!)

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    // Draining: this connection is not reused, so the edge opens its next one to a serving process.
    if (isDraining()) res.setHeader('connection', 'close')
    try {
      const client = normalizeClientHeaders(req, opts.trust)
      applySecurityHeaders(req, res, client, opts.security)
      if (trpc && isTrpcPath(req.url)) {
        clients.set(req, client)
        trpc(req, res)
        return
      }
      exposeSurrogateKeys(res)
    } catch (error) {
      // Never reached with well-formed input; a bug here must not take the request down silently.
      log.error({ err: error, url: req.url }, 'request preparation failed')
      res.statusCode = 500
      res.end('Internal Server Error')
      return
    }
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error, url: req.url }, 'unhandled error in the request handler')
      if (!res.headersSent) res.statusCode = 500
      res.end()
    })
  })

  const url = await listen(server, opts.host, opts.port)
  return {
    server,
    url,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      })
      await app.close()
    },
  }
}
