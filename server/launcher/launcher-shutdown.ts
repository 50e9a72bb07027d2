/**
 * How `npm start` (start.ts) stops what it started. The first call stops in reverse order of
 * start: the payment worker gracefully (it finishes or hands back its jobs), then the store,
 * the gateway and the embedded database, and exits. A later call — a second Ctrl-C, or the
 * same signal relayed by tsx while the first stop still waits on the worker — exits at once,
 * but first sends SIGTERM to the store and the worker, so neither is left serving without the
 * launcher (found 2026-12-01: a SIGINT sent to the launcher alone left web-main running).
 */
import type { ChildProcess } from 'node:child_process'

/** What has been started so far; start.ts fills it in as it goes, and the stop reads it when called. */
export interface StartedParts {
  database?: { close(): Promise<void> }
  gateway?: { close(): Promise<void> }
  /** The payment worker: `stop()` is the graceful stop (SIGTERM, waits for the exit). */
  worker?: { child: ChildProcess; stop(): Promise<void> }
  /** Sends the store its SIGTERM (no wait: it drains by itself, server/health/graceful-stop.ts). */
  stopNext?: () => void
}

export interface Shutdown {
  /** Stops (first call) or hurries (later calls) what `parts` holds, then calls `exit(code)`. */
  stop(code: number): Promise<void>
  /** True once a stop has begun (a child exiting then is expected, not news). */
  readonly stopping: boolean
}

/**
 * A shutdown over `parts` (read at call time). `exit` ends the process (injected so a test can
 * watch it); `onError` reports a part that failed to close.
 */
export function createShutdown(parts: StartedParts, exit: (code: number) => void, onError: (message: string) => void): Shutdown {
  let stopping = false
  const stop = async (code: number) => {
    if (!stopping) {
      stopping = true
      await parts.worker?.stop().catch(() => {})
      parts.stopNext?.()
      await parts.gateway?.close().catch(() => {})
      await parts.database?.close().catch((error: unknown) => onError(`closing the embedded database failed: ${String(error)}`))
    } else {
      parts.stopNext?.()
      parts.worker?.child.kill('SIGTERM') // no effect on a worker that has exited
    }
    exit(code)
  }
  return {
    stop,
    get stopping() {
      return stopping
    },
  }
}
