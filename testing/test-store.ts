/**
 * A real store for tests: one shared production build (`.next-test`, rebuilt only when the
 * source fingerprint changes) and any number of store processes on it (the same custom
 * server as `npm start`, server/web/web-main.ts), each pointed at a
 * test database, Redis key prefix and gateway. Integration tests, the e2e suite and the
 * two-instance coherence tests all talk to the app through real HTTP this way.
 */
import type { ChildProcess } from 'node:child_process'
import { buildIsCurrent, sourceFingerprint, writeBuildStamp } from '../server/launcher/build-stamp'
import { env } from '../server/env'
import { buildNext, runPlainNextStart, runStoreServer, waitForHttp } from '../server/launcher/next-process'
import { assertPortFree, freePort } from '../server/launcher/port-free'

export const TEST_DIST_DIR = '.next-test'

/**
 * A store behind a simulated edge on this machine: connections from 127.0.0.1 are our proxy
 * (one X-Forwarded-For hop), so a harness that plays the edge — the Vitest and Playwright
 * stores, the drill's load generator, the bench — gives each simulated shopper an address of
 * its own. Any other peer (e.g. a client bound to 127.0.0.2) is a direct client whose
 * forwarding headers count for nothing.
 */
export const BEHIND_LOCAL_EDGE: Readonly<Record<string, string>> = { TRUSTED_PROXY_HOPS: '1', TRUSTED_PROXY_ADDRESSES: '127.0.0.1' }

/** The address of simulated shopper number `index` (10.250.x.y, distinct for 65,536 shoppers). */
export function indexedClientAddress(index: number): string {
  return `10.250.${(index >> 8) & 255}.${index & 255}`
}

/** A random private address (10.x.y.z) for one simulated shopper behind BEHIND_LOCAL_EDGE. */
export function simulatedClientAddress(): string {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3))
  return `10.${a}.${b}.${c! === 0 ? 1 : c}`
}

export interface StoreEnv {
  databaseUrl: string
  keyPrefix: string
  gatewayPort: number
  /** Anything else the instance needs (flags, secrets for tests, pool sizes). */
  extra?: Record<string, string | undefined>
}

/** The environment of a store, API or worker process started on `s` (its database, key prefix and gateway; the test build). */
export function appEnv(s: StoreEnv): Record<string, string | undefined> {
  return {
    DATABASE_URL: s.databaseUrl,
    REDIS_KEY_PREFIX: s.keyPrefix,
    GATEWAY_PORT: String(s.gatewayPort),
    UPSTASH_REDIS_REST_URL: undefined,
    UPSTASH_REDIS_REST_TOKEN: undefined,
    NEXT_DIST_DIR: TEST_DIST_DIR,
    LOG_LEVEL: 'warn',
    ...s.extra,
  }
}

/** Builds `.next-test` unless the sources are unchanged since its last build. */
export async function ensureTestBuild(s: StoreEnv): Promise<'built' | 'reused'> {
  const fingerprint = sourceFingerprint(process.cwd(), 'test-build')
  if (buildIsCurrent(TEST_DIST_DIR, fingerprint)) return 'reused'
  await buildNext(appEnv(s), true)
  writeBuildStamp(TEST_DIST_DIR, fingerprint)
  return 'built'
}

export interface RunningStore {
  url: string
  process: ChildProcess
  stop(): Promise<void>
}

/**
 * Starts the store (server/web/web-main.ts, production) on `port` (or a free port when 'auto');
 * refuses a port already taken. `plain-next-start` is for the bench's cost comparison only.
 */
export async function startStore(portOrAuto: number | 'auto', s: StoreEnv, server: 'ours' | 'plain-next-start' = 'ours'): Promise<RunningStore> {
  const port = portOrAuto === 'auto' ? await freePort() : portOrAuto
  await assertPortFree('127.0.0.1', port, 'TEST_STORE_PORT')
  const child =
    server === 'ours' ? runStoreServer({ dev: false, host: '127.0.0.1', port }, appEnv(s), 'pipe') : runPlainNextStart(port, appEnv(s))
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)))
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)))
  const url = `http://127.0.0.1:${port}`
  try {
    await waitForHttp(`${url}/`, child)
  } catch (error) {
    child.kill('SIGKILL')
    throw new Error(`${(error as Error).message}\n--- store output ---\n${output}`)
  }
  return {
    url,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    },
  }
}

/** Inside a test worker: the StoreEnv of this run (from the environment the global setup made). */
export function currentStoreEnv(extra: Record<string, string | undefined> = {}): StoreEnv {
  return {
    databaseUrl: env.DATABASE_URL,
    keyPrefix: env.REDIS_KEY_PREFIX,
    gatewayPort: env.GATEWAY_PORT,
    extra: {
      SESSION_SECRET: env.SESSION_SECRET,
      ADMIN_PASSWORD_HASH: env.ADMIN_PASSWORD_HASH,
      METRICS_TOKEN: env.METRICS_TOKEN,
      // The run's trust model (BEHIND_LOCAL_EDGE in the Vitest setup): extra stores behave alike.
      TRUSTED_PROXY_HOPS: String(env.TRUSTED_PROXY_HOPS),
      TRUSTED_PROXY_ADDRESSES: env.TRUSTED_PROXY_ADDRESSES,
      ...extra,
    },
  }
}

/** The store the global setup started for this run. */
export function testStoreUrl(): string {
  if (!env.TEST_STORE_URL) throw new Error('TEST_STORE_URL is set by vitest.global-setup.ts')
  return env.TEST_STORE_URL
}
