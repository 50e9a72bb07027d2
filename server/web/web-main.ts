/**
 * The store's process: `node --import tsx server/web/web-main.ts [--dev]` on BIND_HOST:PORT
 * (server/web/web-server.ts). Started by `npm start` / `npm run dev` and by every test store.
 * SIGTERM/SIGINT: readiness turns 503 "draining" at once (server/health/draining.ts, so the edge
 * and Kubernetes stop sending new requests) while the process keeps serving for
 * DRAIN_ANNOUNCE_MS (the edge's probes need that long to notice), then the server closes
 * gracefully (in-flight requests finish, their connections close); a second signal, or 10 s
 * after the close began (announce + grace stay within MAX_DRAIN_MS), ends it at once.
 */
import { env } from '../env'
import { startDraining } from '../health/draining'
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
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) process.exit(1)
    stopping = true
    startDraining()
    // SIGTERM comes from an orchestrator (Kubernetes, the fleet's restart): keep serving until the
    // edge's probe has seen readiness fail. SIGINT is Ctrl-C at a terminal, where the whole group
    // stops at once and nobody routes around this process: close straight away.
    const announceMs = signal === 'SIGTERM' ? env.DRAIN_ANNOUNCE_MS : 0
    log.info({ signal, announceMs }, 'draining: readiness fails, serving until the edge has noticed')
    setTimeout(() => {
      setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref()
      web.close().then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error, signal }, 'closing the web server failed')
          process.exit(1)
        },
      )
    }, announceMs)
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

main().catch((error: unknown) => {
  console.error(`the store did not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  process.exit(1)
})
