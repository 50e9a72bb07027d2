/**
 * One API service process: `node --import tsx server/api/api-main.ts [--port N]` on
 * BIND_HOST:API_PORT (`--port` wins, so a fleet launcher can start several on ports of its
 * choice with one environment). Reads the same environment as the store's process (database,
 * Redis, SESSION_SECRET, ADMIN_PASSWORD_HASH, METRICS_TOKEN, client trust): it must be given
 * the store's values, or its sessions and admin logins are not the store's.
 *
 * SIGTERM/SIGINT: server/health/graceful-stop.ts (readiness turns "draining"; on SIGTERM it keeps
 * serving for DRAIN_ANNOUNCE_MS, then stops accepting, lets in-flight requests finish
 * (API_SHUTDOWN_GRACE_MS at most) and exits 0; a second signal ends it at once with 1).
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { env } from '../env'
import { stopGracefullyOnSignals } from '../health/graceful-stop'
import { clientTrust } from '../platform/client-trust'
import { logger } from '../platform/logger'
import { startApiInstrumentation } from './api-instrumentation'
import { startApiServer } from './api-server'

const log = logger.child({ module: 'api-main' })

/** How long in-flight requests may take to finish after SIGTERM before their connections are cut. */
export const API_SHUTDOWN_GRACE_MS = 10_000
/** After the grace, how long close() may take to return before the process exits anyway. */
const FORCE_EXIT_MARGIN_MS = 1_000

/** The line launchers and the test harness wait for (followed by the URL). */
export const API_READY_LINE = '▲ api listening on'

const portArg = z.coerce.number().int().min(0).max(65535)

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' } } })
  const port = values.port === undefined ? env.API_PORT : portArg.parse(values.port)
  const publisher = startApiInstrumentation()
  const api = await startApiServer({ host: env.BIND_HOST, port, trust: clientTrust, cspMode: env.CSP_MODE })
  publisher.listening(new URL(api.url).host)
  console.log(`${API_READY_LINE} ${api.url} (tRPC at /api/trpc; client address: ${clientTrust.description})`)
  stopGracefullyOnSignals({
    what: 'API server',
    log,
    announceMs: env.DRAIN_ANNOUNCE_MS,
    // close() cuts what is left at API_SHUTDOWN_GRACE_MS itself; the forced exit is the backstop.
    forceExitAfterMs: API_SHUTDOWN_GRACE_MS + FORCE_EXIT_MARGIN_MS,
    onClosing: (signal) => log.info({ signal, inFlight: api.inFlight() }, 'stopping: no new connections, finishing in-flight requests'),
    close: () => api.close(API_SHUTDOWN_GRACE_MS).then(() => publisher.stop()),
  })
}

main().catch((error: unknown) => {
  console.error(`the API service did not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  process.exit(1)
})
