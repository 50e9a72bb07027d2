/**
 * The store's process on BIND_HOST:PORT (server/web/web-server.ts), started through
 * server/web/web-start.mjs (`node server/web/web-start.mjs [--dev]`, which removes tsx's module
 * hooks once `started` resolves) by `npm start` / `npm run dev`, the fleet, the image and every
 * test store. `node --import tsx server/web/web-main.ts` runs it too, with the hooks kept.
 * SIGTERM/SIGINT: server/health/graceful-stop.ts (readiness fails at once, serving continues for
 * DRAIN_ANNOUNCE_MS on SIGTERM, then in-flight requests finish; forced exit SHUTDOWN_GRACE_MS
 * after the close began; announce + grace stay within MAX_DRAIN_MS).
 */
import { env } from '../env'
import { stopGracefullyOnSignals } from '../health/graceful-stop'
import { clientTrust } from '../platform/client-trust'
import { logger } from '../platform/logger'
import { DEV_RENDER_MODES, loadRenderModes } from './render-modes'
import { startWebServer } from './web-server'

const log = logger.child({ module: 'web-main' })
const SHUTDOWN_GRACE_MS = 10_000

async function main(): Promise<void> {
  const dev = process.argv.includes('--dev')
  const web = await startWebServer({
    dev,
    host: env.BIND_HOST,
    port: env.PORT,
    trust: clientTrust,
    security: { dev, mode: env.CSP_MODE, renderModes: dev ? DEV_RENDER_MODES : loadRenderModes(env.NEXT_DIST_DIR) },
  })
  // The one line the launcher and the test harness wait for, then the trust model in force.
  console.log(`▲ store listening on ${web.url} (${dev ? 'development' : 'production'}; client address: ${clientTrust.description})`)
  stopGracefullyOnSignals({
    what: 'web server',
    log,
    announceMs: env.DRAIN_ANNOUNCE_MS,
    forceExitAfterMs: SHUTDOWN_GRACE_MS,
    close: () => web.close(),
  })
}

/** Resolves once the server listens and stops on signals; a failed start exits the process (code 1). */
export const started: Promise<void> = main().catch((error: unknown) => {
  console.error(`the store did not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  process.exit(1)
})
