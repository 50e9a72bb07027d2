/**
 * The stop sequence every serving process shares (the store's web process and the API service):
 *
 *   SIGTERM/SIGINT ─► readiness turns "draining" at once (draining.ts)
 *                  ─► keep serving for `announceMs` on SIGTERM only (an orchestrator's stop: the
 *                     edge's probes need that long to route around us); 0 on SIGINT (Ctrl-C at a
 *                     terminal stops the whole group together, nobody routes around this process)
 *                  ─► `close()` (stop accepting, in-flight requests finish) ─► exit 0
 *   `close()` rejects ─► exit 1;  not settled within `forceExitAfterMs` ─► exit 1;
 *   a second signal ─► exit 1 at once.
 *
 * announceMs + forceExitAfterMs must stay within MAX_DRAIN_MS (draining.ts), the bound the
 * deploy recipes give each pod.
 */
import type { Logger } from '../platform/logger'
import { startDraining } from './draining'

export interface GracefulStopOptions {
  /** What is stopping, for the logs ("web server", "API server"). */
  what: string
  log: Logger
  /** Milliseconds to keep serving after SIGTERM before closing (DRAIN_ANNOUNCE_MS). */
  announceMs: number
  /** Milliseconds after the close began at which the process exits 1 regardless. */
  forceExitAfterMs: number
  /** Stops accepting and resolves once in-flight requests are done (or cut). */
  close: () => Promise<void>
  /** Called as the close begins (e.g. to log how many requests are in flight). */
  onClosing?: (signal: NodeJS.Signals) => void
}

/** Installs the SIGTERM and SIGINT handlers above on this process. */
export function stopGracefullyOnSignals(opts: GracefulStopOptions): void {
  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1)
    stopping = true
    startDraining()
    const announceMs = signal === 'SIGTERM' ? opts.announceMs : 0
    opts.log.info({ signal, announceMs }, 'draining: readiness fails, serving until the edge has noticed')
    setTimeout(() => {
      opts.onClosing?.(signal)
      setTimeout(() => process.exit(1), opts.forceExitAfterMs).unref()
      opts.close().then(
        () => process.exit(0),
        (error: unknown) => {
          opts.log.error({ err: error, signal }, `closing the ${opts.what} failed`)
          process.exit(1)
        },
      )
    }, announceMs)
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}
