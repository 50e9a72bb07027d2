/**
 * `/api/trpc/*` on a plain `node:http` request: the `appRouter` through @trpc/server's own Node
 * adapter (`createHTTPHandler`), configured once for every process that serves it without Next's
 * route handler — the API service (api-server.ts) and the store's own server in production
 * (server/web/web-server.ts, so `npm start`'s one process answers tRPC calls at the API
 * service's cost instead of the route handler's: docs/decision-api-service.md, "In the store's
 * own process").
 *
 * Shared with app/api/trpc/[trpc]/route.ts (which `next dev` still uses): the router, the
 * context (built by `createContext`, here through `createNodeHttpContext`, there through
 * `createHttpContext`), error formatter, `responseMeta` (Cache-Control, Retry-After), the batch
 * cap (MAX_TRPC_BATCH_CALLS) and the body cap (MAX_TRPC_BODY_BYTES, the same 413 bytes). The
 * caller has already resolved the client and set the security headers; `clientOf(req)` returns
 * that client.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createHTTPHandler } from '@trpc/server/adapters/standalone'
import type { ClientIdentity } from '../platform/client-identity'
import { MAX_TRPC_BATCH_CALLS } from '../trpc/batch-limit'
import { MAX_TRPC_BODY_BYTES, tooLargeJson } from '../trpc/body-limit'
import { createNodeHttpContext, responseMeta } from '../trpc/init'
import { appRouter } from '../trpc/root'

/** Where the router is mounted: the path Next's route handler serves (the browser client's URL). */
export const TRPC_BASE_PATH = '/api/trpc/'

export type NodeRequestHandler = (req: IncomingMessage, res: ServerResponse) => void

/**
 * The handler for requests whose path starts with TRPC_BASE_PATH. A declared body above
 * MAX_TRPC_BODY_BYTES is answered 413 before a byte is read (Next's route gives the same
 * answer); a body that declares no length is cut at the same size by tRPC (its own 413).
 */
export function createTrpcNodeHandler(clientOf: (req: IncomingMessage) => ClientIdentity): NodeRequestHandler {
  const trpc = createHTTPHandler({
    basePath: TRPC_BASE_PATH,
    router: appRouter,
    createContext: ({ req, res }) => createNodeHttpContext({ req, res }, clientOf(req)),
    responseMeta,
    maxBatchSize: MAX_TRPC_BATCH_CALLS,
    maxBodySize: MAX_TRPC_BODY_BYTES,
  })
  return (req, res) => {
    const declared = Number(req.headers['content-length'] ?? NaN)
    if (Number.isFinite(declared) && declared > MAX_TRPC_BODY_BYTES) {
      res.statusCode = 413
      res.setHeader('content-type', 'application/json')
      res.setHeader('connection', 'close')
      res.end(tooLargeJson())
      return
    }
    trpc(req, res)
  }
}
