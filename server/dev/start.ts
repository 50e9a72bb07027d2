/**
 * `npm start`: everything a fresh machine needs to serve the store, in order.
 *  1. says which database and Redis it uses;
 *  2. creates and migrates the database, seeds it when empty;
 *  3. starts the local Upstash-compatible gateway (unless a real Upstash URL is set);
 *  4. builds when sources changed since the last build (`--dev` runs `next dev` instead);
 *  5. starts `next start` and prints the URL;
 *  6. starts the payment worker (server/orders/worker-main.ts). Ctrl-C stops everything.
 */
import { env, upstash } from '../env'
import { migrate } from '../../prisma/migrate'
import { progressPrinter, seed } from '../../prisma/seed'
import { startGateway } from './gateway'
import { buildIsCurrent, sourceFingerprint, writeBuildStamp } from './build-stamp'
import { buildNext, runNext, waitForHttp } from './next-process'
import { assertPortFree } from './port-free'
import { redactUrl } from './redact-url'
import { localSecrets } from './local-secrets'
import { spawnWorker } from './worker-process'

const devMode = process.argv.includes('--dev')
const root = process.cwd()

async function main(): Promise<void> {
  console.log(`\nPeak Storefront — ${devMode ? 'development' : 'production'} mode`)
  console.log(`  database: ${redactUrl(env.DATABASE_URL)}`)
  console.log(
    `  redis:    ${upstash.local ? `local Upstash gateway ${upstash.url} → ${redactUrl(env.REDIS_URL)}` : `Upstash ${upstash.url}`}\n`,
  )

  await assertPortFree(env.BIND_HOST, env.PORT, 'PORT')
  if (upstash.local) await assertPortFree('127.0.0.1', env.GATEWAY_PORT, 'GATEWAY_PORT')

  const { applied } = await migrate(env.DATABASE_URL)
  console.log(applied.length ? `migrated: ${applied.join(', ')}` : 'database schema is up to date')

  const seeded = await seed(env.DATABASE_URL, { onProgress: progressPrinter('seeding products') })
  if (seeded.productsCreated > 0) console.log(`seeded ${seeded.productsCreated} products in ${(seeded.ms / 1000).toFixed(1)} s`)
  else console.log(`catalog already seeded (${seeded.productsTotal} products)`)

  const gateway = upstash.local
    ? await startGateway({ port: env.GATEWAY_PORT, redisUrl: env.REDIS_URL, token: upstash.token })
    : null
  if (gateway) console.log(`gateway listening on ${gateway.url}`)

  if (!devMode) {
    const fingerprint = sourceFingerprint(root, env.DATABASE_URL)
    if (buildIsCurrent(env.NEXT_DIST_DIR, fingerprint)) {
      console.log('build is up to date')
    } else {
      console.log('building the store (next build; a few minutes on 2 cores)…')
      await buildNext()
      writeBuildStamp(env.NEXT_DIST_DIR, fingerprint)
    }
  }

  const secrets = await localSecrets()
  const serveEnv = {
    SESSION_SECRET: env.SESSION_SECRET ?? secrets.sessionSecret,
    ADMIN_PASSWORD_HASH: env.ADMIN_PASSWORD_HASH ?? secrets.adminPasswordHash,
  }
  const next = runNext([devMode ? 'dev' : 'start', '-p', String(env.PORT), '-H', env.BIND_HOST], serveEnv)
  const shutdown = async (code: number) => {
    if (next.exitCode === null) next.kill('SIGTERM')
    await gateway?.close()
    process.exit(code)
  }
  process.on('SIGINT', () => void shutdown(0))
  process.on('SIGTERM', () => void shutdown(0))
  next.on('exit', (code) => void shutdown(code ?? 1))

  await waitForHttp(`http://${env.BIND_HOST}:${env.PORT}/`, next)
  const host = env.BIND_HOST === '127.0.0.1' || env.BIND_HOST === '0.0.0.0' ? 'localhost' : env.BIND_HOST
  console.log(`\n  ➜ store ready at http://${host}:${env.PORT}`)
  if (!env.ADMIN_PASSWORD_HASH) {
    console.log(`  ➜ ops dashboard: http://${host}:${env.PORT}/ops (password in ${secrets.adminPassword.path})\n`)
  }

  // The payment worker beside the store; it stops by itself when this process exits (IPC).
  const worker = spawnWorker({}, { inherit: true })
  worker.child.on('exit', (code, signal) => {
    if (code !== 0) console.error(`payment worker exited (${signal ?? code}): orders stay pending until a worker runs (npm run worker)`)
  })
  worker.ready.then(
    () => console.log(`  ➜ payment worker running (${env.WORKER_CONCURRENCY} jobs at a time; npm run worker adds more)`),
    (error: unknown) => console.error(`payment worker did not start: ${error instanceof Error ? error.message : String(error)}`),
  )
}

main().catch((error: unknown) => {
  console.error(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
