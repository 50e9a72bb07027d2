/**
 * Starts one API service process (server/api/api-main.ts) as a child with a given environment
 * and port, and waits until it says where it listens. For `npm run api`, a fleet launcher
 * (M processes on M ports) and the test harness (testing/api-service.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { childEnv } from '../env'

const API_ENTRY = fileURLToPath(new URL('../api/api-main.ts', import.meta.url))

/** How long a starting API process may take to print its ready line. */
export const API_READY_TIMEOUT_MS = 60_000
/** Printed by server/api/api-main.ts once it listens (kept in step with API_READY_LINE there). */
const READY = /▲ api listening on (\S+)/

export interface ApiProcess {
  child: ChildProcess
  /** Resolves with the URL it listens on; rejects with its output if it exits or times out first. */
  ready: Promise<string>
}

/**
 * `stdio: 'inherit'` shows its output on this console (the ready line is then not seen: `ready`
 * resolves when the port answers instead); `'pipe'` keeps the last 8 KB for error messages.
 */
export function runApiProcess(
  opts: { host: string; port: number },
  overrides: Record<string, string | undefined> = {},
  stdio: 'inherit' | 'pipe' = 'pipe',
): ApiProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', API_ENTRY, '--port', String(opts.port)], {
    env: childEnv({ NODE_ENV: 'production', ...overrides, BIND_HOST: opts.host }),
    stdio: stdio === 'inherit' ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the API process did not start within ${API_READY_TIMEOUT_MS / 1000} s\n${output}`)), API_READY_TIMEOUT_MS)
    const onData = (d: Buffer) => {
      output = (output + d.toString()).slice(-8000)
      const match = READY.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`the API process exited (${signal ?? code}) before listening\n${output}`))
    })
    if (stdio === 'inherit') {
      const url = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`
      void waitForAnswer(`${url}/api/trpc/`, child).then(() => {
        clearTimeout(timer)
        resolve(url)
      }, reject)
    }
  })
  ready.catch(() => {})
  return { child, ready }
}

async function waitForAnswer(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + API_READY_TIMEOUT_MS
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      await (await fetch(url, { signal: AbortSignal.timeout(2_000) })).arrayBuffer()
      return
    } catch {
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  throw new Error(`${url} did not answer`)
}

/** SIGTERM, then waits for the exit (the process finishes its in-flight requests first). */
export async function stopApiProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  child.kill('SIGTERM')
  return exited
}
