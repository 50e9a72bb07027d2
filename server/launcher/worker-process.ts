/**
 * Runs the payment worker (server/orders/worker-main.ts) as a child process with a given
 * environment, and waits until it says it is ready. Used by `npm start`, the tests that
 * need a real worker process (crash, decline), the e2e suite and `npm run bench:queue`.
 * The child gets an IPC channel, so it stops by itself if this process goes away.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { childEnv } from '../env'

const WORKER_ENTRY = fileURLToPath(new URL('../orders/worker-main.ts', import.meta.url))
export const WORKER_READY_TIMEOUT_MS = 30_000

export interface WorkerProcess {
  child: ChildProcess
  /** The last lines it printed (empty when its output is inherited). */
  output(): string
  /** Resolves once it reported ready over IPC; rejects if it exits or times out first. */
  ready: Promise<void>
  /** Graceful stop (SIGTERM), waiting for the exit. */
  stop(): Promise<void>
  /** SIGKILL, waiting for the exit: the crash case. */
  kill(): Promise<void>
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** `overrides` on top of this process's environment; `inherit` sends the worker's logs to this process's stdout/stderr. */
export function spawnWorker(overrides: Record<string, string | undefined> = {}, opts: { inherit?: boolean } = {}): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_ENTRY], {
    env: childEnv(overrides),
    stdio: opts.inherit ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  let output = ''
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000))
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready within ${WORKER_READY_TIMEOUT_MS} ms\n${output}`)), WORKER_READY_TIMEOUT_MS)
    child.on('message', (message: unknown) => {
      if (typeof message === 'object' && message !== null && 'type' in message && message.type === 'worker-ready') {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`worker exited (${signal ?? code}) before it was ready\n${output}`))
    })
  })
  ready.catch(() => {}) // observed by whoever awaits it
  return {
    child,
    output: () => output,
    ready,
    async stop() {
      const done = exited(child)
      child.kill('SIGTERM')
      await done
    },
    async kill() {
      const done = exited(child)
      child.kill('SIGKILL')
      await done
    },
  }
}
