/**
 * Starts the store the way a developer without PostgreSQL or Redis would: `npm start`
 * (server/launcher/start.ts) with DATABASE_URL, REDIS_URL and the Upstash variables unset and
 * the default local addresses (LOCAL_POSTGRES_PORT, LOCAL_REDIS_PORT) pointed at ports
 * where nothing listens, so it must choose the embedded database and the Redis emulation.
 * The machine's real services keep running; they are simply not where the store looks.
 *
 * The launcher builds into its own .next-embedded (reused while the sources are unchanged),
 * keeps its data in .data/e2e-embedded (fresh per run), and runs its payment worker with a
 * provider that never fails, so an order reliably ends PAID. Its console output goes to a
 * file the spec reads; the teardown stops it (SIGTERM: worker, store, gateway, database)
 * and removes the data.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../server/launcher/port-free'
import { EMBEDDED_DATA_DIR, EMBEDDED_DIST_DIR, EMBEDDED_PORT } from './embedded-env'

const LAUNCHER = fileURLToPath(new URL('../../server/launcher/start.ts', import.meta.url))
const LOG_FILE = `${EMBEDDED_DATA_DIR}.log`
/** Covers a cold `next build` on two busy cores. */
const READY_TIMEOUT_MS = 240_000

export default async function globalSetup() {
  rmSync(EMBEDDED_DATA_DIR, { recursive: true, force: true })
  mkdirSync('.data', { recursive: true })
  const [closedPostgresPort, closedRedisPort, gatewayPort] = [await freePort(), await freePort(), await freePort()]
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN', 'SESSION_SECRET', 'ADMIN_PASSWORD_HASH', 'STOREFRONT_EMBEDDED']) {
    delete env[name]
  }
  Object.assign(env, {
    LOCAL_POSTGRES_PORT: String(closedPostgresPort),
    LOCAL_REDIS_PORT: String(closedRedisPort),
    PORT: String(EMBEDDED_PORT),
    GATEWAY_PORT: String(gatewayPort),
    DATA_DIR: EMBEDDED_DATA_DIR,
    NEXT_DIST_DIR: EMBEDDED_DIST_DIR,
    LOG_LEVEL: 'warn',
    PAYMENT_DECLINE_RATE: '0',
    PAYMENT_TRANSIENT_ERROR_RATE: '0',
    WORKER_CONCURRENCY: '2',
  })

  const launcher = spawn(process.execPath, ['--import', 'tsx', LAUNCHER], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (d: Buffer) => {
    output += d.toString()
    writeFileSync(LOG_FILE, output)
  }
  launcher.stdout.on('data', keep)
  launcher.stderr.on('data', keep)
  const exited = new Promise<void>((resolve) => launcher.once('exit', () => resolve()))

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${output}`)), READY_TIMEOUT_MS)
    const check = () => {
      if (output.includes('payment worker running')) {
        clearTimeout(timer)
        resolve()
      }
    }
    launcher.stdout.on('data', check)
    launcher.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`npm start exited (${code}) before it was ready:\n${output}`))
    })
  })

  const database = /database: embedded PostgreSQL \S+ \(PGlite\) at (postgresql:\/\/\S+),/.exec(output)?.[1]
  if (!database) throw new Error(`npm start did not print the embedded database URL:\n${output}`)
  process.env.E2E_DATABASE_URL = database
  process.env.E2E_EMBEDDED_LOG = LOG_FILE
  process.env.E2E_ADMIN_PASSWORD = readFileSync(`${EMBEDDED_DATA_DIR}/admin-password`, 'utf8').trim()

  return async () => {
    if (launcher.exitCode === null && launcher.signalCode === null) {
      launcher.kill('SIGTERM')
      await exited
    }
    rmSync(EMBEDDED_DATA_DIR, { recursive: true, force: true })
    rmSync(LOG_FILE, { force: true })
  }
}
