/**
 * The process's client trust configuration (from the environment) and the hand-over of the
 * resolved client from our HTTP server to the code behind it.
 *
 * Our servers (server/web/web-server.ts for Next; a standalone API server would do the same)
 * call `resolveClient` with the socket, then *overwrite* the forwarding headers with the
 * result before the framework sees the request: `x-forwarded-for` = the one client address,
 * `x-forwarded-proto` = its protocol, `x-forwarded-host` = `Host`. Code inside Next reads
 * them back with `clientOfRequest`. Whatever a client sent under those names is gone by then.
 *
 * A guard for a wrong deployment: the server marks the process when it starts. Served any
 * other way (plain `next start`, `next dev`), those headers are the client's own, so
 * `clientOfRequest` does not believe them: every request counts as one unknown client
 * (limits then bind everyone together, which is loud, instead of nobody, which is silent).
 */
import { env } from '../env'
import { type ClientIdentity, headerValue, type HeaderSource, normalizeAddress, parseClientTrust, resolveClient, type ClientTrust } from './client-identity'
import { logger } from './logger'

export const clientTrust: ClientTrust = parseClientTrust({
  hops: env.TRUSTED_PROXY_HOPS,
  proxies: env.TRUSTED_PROXY_ADDRESSES,
  header: env.CLIENT_ADDRESS_HEADER,
})

/** Request headers we remove: forwarding claims the app must never read from a client. */
const UNTRUSTED_FORWARDING_HEADERS = ['forwarded', 'x-real-ip', 'x-forwarded-port', 'x-client-ip', 'true-client-ip', 'cf-connecting-ip']

const SERVED = Symbol.for('storefront.client-headers-normalised')
const g = globalThis as unknown as { [SERVED]?: boolean }

/** The client address used when the process was not started by our server (see above). */
export const UNVERIFIED_CLIENT = 'unverified'

/**
 * For our HTTP servers: resolves the client from the socket and rewrites the request's
 * forwarding headers in place (Node `IncomingMessage.headers`). Returns the identity.
 */
export function normalizeClientHeaders(
  req: { socket: { remoteAddress?: string | undefined; encrypted?: boolean }; headers: Record<string, string | string[] | undefined> },
  trust: ClientTrust = clientTrust,
): ClientIdentity {
  g[SERVED] = true
  const client = resolveClient(req.socket, req.headers, trust)
  for (const name of UNTRUSTED_FORWARDING_HEADERS) delete req.headers[name]
  if (trust.header) delete req.headers[trust.header]
  req.headers['x-forwarded-for'] = client.address
  req.headers['x-forwarded-proto'] = client.protocol
  if (typeof req.headers.host === 'string') req.headers['x-forwarded-host'] = req.headers.host
  else delete req.headers['x-forwarded-host']
  return client
}

let warned = false

/** Inside Next (route handlers, pages): the client our server resolved for this request. */
export function clientOfRequest(headers: HeaderSource): ClientIdentity {
  if (!g[SERVED]) {
    if (!warned) {
      warned = true
      logger.error('not served by server/web/web-server.ts: client addresses cannot be trusted, all requests count as one client')
    }
    return { address: UNVERIFIED_CLIENT, protocol: 'http', forwarded: false }
  }
  const address = normalizeAddress(headerValue(headers, 'x-forwarded-for'))
  const protocol = headerValue(headers, 'x-forwarded-proto') === 'https' ? 'https' : 'http'
  return { address: address ?? 'unknown', protocol, forwarded: false }
}
