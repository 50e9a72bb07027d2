/**
 * The standalone tRPC API service: the same `appRouter` as Next's `/api/trpc` route, served from
 * a plain `node:http` server through @trpc/server's own Node adapter (`createHTTPHandler` from
 * `@trpc/server/adapters/standalone`), mounted at the same path, so the browser's URL never
 * changes. Why standalone and not fastify, with measurements: docs/decision-api-service.md.
 *
 * One codepath per procedure: router, context (`createNodeHttpContext` → `createContext`, the
 * factory Next's route uses), error formatter, `responseMeta` (Cache-Control, Retry-After), the
 * batch cap (MAX_TRPC_BATCH_CALLS) and the body cap (MAX_TRPC_BODY_BYTES, the same 413 bytes)
 * are shared with app/api/trpc/[trpc]/route.ts. What the store's server does before Next runs,
 * this server does before tRPC runs, with the same functions:
 *  1. the client from the socket and the trust configuration (`normalizeClientHeaders`), the
 *     forwarding headers overwritten with the result;
 *  2. the security headers (`applySecurityHeaders`; an API answer is never a per-request page,
 *     so it gets the CSP without a nonce, as Next's route does);
 *  3. an undecodable percent-escape in the path → the 400 of proxy.ts (`rejectMalformedPath`).
 * Besides `/api/trpc/*` it serves `/api/metrics` (this process's Prometheus text, same token)
 * and the health probes (`/api/health/live`, `/api/health/ready`: server/health, the same answers
 * as the web process's), and answers everything else 404: pages belong to the web pool.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { ClientIdentity, ClientTrust } from '../platform/client-identity'
import { normalizeClientHeaders } from '../platform/client-trust'
import { logger } from '../platform/logger'
import { hasMalformedSegment, MALFORMED_URL_MESSAGE } from '../platform/malformed-url'
import { serveHealth } from '../health/health-http'
import { HEALTH_PATH_PREFIX } from '../health/health-paths'
import { fleetRegistry } from '../ops/fleet-prometheus'
import { prometheusText } from '../ops/prometheus.service'
import { createTrpcNodeHandler, TRPC_BASE_PATH } from './trpc-node-handler'
import type { RenderModes } from '../web/render-modes'
import { applySecurityHeaders, type SecurityHeaderOptions } from '../web/security-headers'
import { answerClientErrors } from '../platform/client-error'
import { listen } from '../platform/listen'
import { primeOperatorSettings } from '../health/prime-settings'

const log = logger.child({ module: 'api-server' })

export const METRICS_PATH = '/api/metrics'

/**
 * Idle keep-alive connections live this long (Node's default is 5 s). Longer than the idle
 * timeout of the proxies in front of the pool (Varnish `backend_idle_timeout` 60 s), so the
 * proxy, not this server, closes an idle connection: otherwise the proxy may send a request
 * on a connection this server is closing at that moment, and answer the shopper 503.
 */
export const API_KEEP_ALIVE_TIMEOUT_MS = 65_000
/** While stopping: how often idle keep-alive connections are closed, as in-flight requests finish. */
export const DRAIN_POLL_MS = 50

/** No API answer is a page Next renders per request: the CSP carries no nonce. */
const NO_PAGES: RenderModes = { perRequest: () => false, pages: [] }

export interface ApiServerOptions {
  host: string
  /** 0 = any free port (see `url`). */
  port: number
  trust: ClientTrust
  cspMode: SecurityHeaderOptions['mode']
}

export interface ApiServer {
  server: Server
  url: string
  /** Requests being answered now. */
  inFlight(): number
  /**
   * Graceful stop: stops accepting connections, lets in-flight requests finish (their
   * connections close after the answer), closes idle keep-alive connections; resolves when
   * every connection is gone, or after `graceMs` with the stragglers cut.
   */
  close(graceMs: number): Promise<void>
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status
  res.setHeader('content-type', 'text/plain; charset=utf-8')
  res.setHeader('cache-control', 'no-store')
  res.end(text)
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const clients = new WeakMap<IncomingMessage, ClientIdentity>()
  const inFlight = new Set<ServerResponse>()
  let stopping = false

  const trpc = createTrpcNodeHandler((req) => clients.get(req)!)

  async function metrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : null
    const answer = await prometheusText(authorization, [fleetRegistry()])
    res.statusCode = answer.status
    res.setHeader('content-type', answer.status === 200 ? answer.contentType : 'text/plain; charset=utf-8')
    res.setHeader('cache-control', 'private, no-store')
    res.end(answer.body)
  }

  function route(req: IncomingMessage, res: ServerResponse): void {
    const pathname = (req.url ?? '/').split('?', 1)[0]!
    if (hasMalformedSegment(pathname)) return plain(res, 400, MALFORMED_URL_MESSAGE)
    if (pathname.startsWith(TRPC_BASE_PATH)) return trpc(req, res)
    if (pathname.startsWith(HEALTH_PATH_PREFIX)) {
      serveHealth(req, res)
        .then((served) => {
          if (!served) plain(res, 404, 'Not found')
        })
        .catch((error: unknown) => {
          log.error({ err: error }, 'health endpoint failed')
          if (!res.headersSent) plain(res, 500, 'health check failed')
          else res.end()
        })
      return
    }
    if (pathname === METRICS_PATH && req.method === 'GET') {
      metrics(req, res).catch((error: unknown) => {
        log.error({ err: error }, 'metrics endpoint failed')
        if (!res.headersSent) plain(res, 500, 'metrics unavailable')
        else res.end()
      })
      return
    }
    plain(res, 404, `Not found: this process serves ${TRPC_BASE_PATH}* and ${METRICS_PATH} only; pages are served by the web pool.`)
  }

  const server = createServer((req, res) => {
    inFlight.add(res)
    res.once('close', () => inFlight.delete(res))
    if (stopping) res.setHeader('connection', 'close')
    try {
      const client = normalizeClientHeaders(req, opts.trust)
      clients.set(req, client)
      applySecurityHeaders(req, res, client, { dev: false, mode: opts.cspMode, renderModes: NO_PAGES })
      route(req, res)
    } catch (error) {
      // Never reached with well-formed input; a bug here must not take the request down silently.
      log.error({ err: error, url: req.url }, 'request preparation failed')
      if (!res.headersSent) plain(res, 500, 'Internal Server Error')
      else res.end()
    }
  })
  server.keepAliveTimeout = API_KEEP_ALIVE_TIMEOUT_MS
  // A request the HTTP parser refuses (a 100,000-character URL: 431) gets a readable body.
  answerClientErrors(server)

  // The operator's settings are known before the first request (not the defaults).
  await primeOperatorSettings()
  const url = await listen(server, opts.host, opts.port)
  return {
    server,
    url,
    inFlight: () => inFlight.size,
    async close(graceMs: number) {
      stopping = true
      // Answers not yet started tell their client to go elsewhere for the next request.
      for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close')
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      const drain = setInterval(() => server.closeIdleConnections(), DRAIN_POLL_MS)
      server.closeIdleConnections()
      const cut = setTimeout(() => {
        log.warn({ inFlight: inFlight.size }, 'grace period over: closing the remaining connections')
        server.closeAllConnections()
      }, graceMs)
      try {
        await closed
      } finally {
        clearInterval(drain)
        clearTimeout(cut)
      }
    },
  }
}
