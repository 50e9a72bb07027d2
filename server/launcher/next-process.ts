/**
 * Runs `next build` and the store's server (server/web/web-main.ts: Next through our custom
 * server) as child processes with a given environment, and waits for a started server to
 * answer. Used by `npm start` and the test harness.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { childEnv } from '../env'

const require = createRequire(import.meta.url)
const NEXT_BIN = require.resolve('next/dist/bin/next')
/** The store's server, loaded with tsx's hooks that are removed once it serves (web-start.mjs says why). */
const WEB_ENTRY = fileURLToPath(new URL('../web/web-start.mjs', import.meta.url))

export const SERVER_READY_TIMEOUT_MS = 120_000

function runNext(
  args: string[],
  overrides: Record<string, string | undefined> = {},
  stdio: 'inherit' | 'pipe' = 'inherit',
): ChildProcess {
  return spawn(process.execPath, [NEXT_BIN, ...args], {
    env: childEnv({ NEXT_TELEMETRY_DISABLED: '1', ...overrides }),
    stdio: stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  })
}

/**
 * The store on `host:port`: production (`next start`'s equivalent) or `dev` (`next dev`'s),
 * always through server/web/web-server.ts, so client identity and security headers hold.
 */
export function runStoreServer(
  opts: { dev: boolean; host: string; port: number },
  overrides: Record<string, string | undefined> = {},
  stdio: 'inherit' | 'pipe' = 'inherit',
): ChildProcess {
  return spawn(process.execPath, [WEB_ENTRY, ...(opts.dev ? ['--dev'] : [])], {
    env: childEnv({
      NEXT_TELEMETRY_DISABLED: '1',
      NODE_ENV: opts.dev ? 'development' : 'production',
      ...overrides,
      PORT: String(opts.port),
      BIND_HOST: opts.host,
    }),
    stdio: stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  })
}

/**
 * Plain `next start` on `port`, without our server (no client identity, no security headers).
 * For `npm run bench` only, which measures what our server costs against it; never serve the
 * store this way (client addresses would be whatever clients claim).
 */
export function runPlainNextStart(port: number, overrides: Record<string, string | undefined> = {}): ChildProcess {
  return runNext(['start', '-p', String(port), '-H', '127.0.0.1'], overrides, 'pipe')
}

/** `next build`, resolving when it succeeds and rejecting with its output when it fails. */
export async function buildNext(overrides: Record<string, string | undefined> = {}, quiet = false): Promise<void> {
  const child = runNext(['build'], overrides, quiet ? 'pipe' : 'inherit')
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  if (code !== 0) throw new Error(`next build failed (exit ${code})${output ? `:\n${output.slice(-4000)}` : ''}`)
}

/** Polls `url` until it answers (any HTTP status) or the child dies or time runs out. */
export async function waitForHttp(url: string, child?: ChildProcess, timeoutMs = SERVER_READY_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode} before answering ${url}`)
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) })
      await res.arrayBuffer()
      return
    } catch {
      await sleep(250)
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`)
}
