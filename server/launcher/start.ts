/**
 * `npm start`: everything a fresh machine needs to serve the store, in order.
 *  1. chooses and prints the database and Redis (server/launcher/choose-services.ts): the real
 *     services when they answer, otherwise the embedded database (PGlite, data in
 *     DATA_DIR/pglite) and the in-process Redis emulation, with the embedded-mode banner;
 *  2. creates and migrates the database, seeds it when empty;
 *  3. starts the local Upstash-compatible gateway (unless a real Upstash URL is set);
 *  4. builds when sources changed since the last build (`--dev` runs `next dev` instead,
 *     `--no-build` serves the existing build in NEXT_DIST_DIR as it is);
 *  5. starts the store (Next through server/web/web-server.ts) and prints the URL;
 *  6. starts the payment worker (server/orders/worker-main.ts). Ctrl-C stops everything.
 */
import { join } from 'node:path'
import { env, upstash } from '../env'
import { embeddedBanner } from '../platform/runtime-mode'
import { startGateway, type Gateway } from '../gateway/gateway'
import { chooseServices, embeddedParts } from './choose-services'
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres'
import { runStoreServer, waitForHttp } from './next-process'
import { buildDatabaseKey, prepareBuild, prepareDatabase } from './prepare-store'
import { assertPortFree } from './port-free'
import { withTicker } from './progress-ticker'
import { redactUrl } from '../platform/redact-url'
import { localSecrets } from './local-secrets'
import { spawnWorker, type WorkerProcess } from './worker-process'
import { createShutdown, type StartedParts } from './launcher-shutdown'

const devMode = process.argv.includes('--dev')
const noBuild = process.argv.includes('--no-build')

/** What has been started so far, stopped in reverse order on exit (launcher-shutdown.ts). */
const running: StartedParts & { database?: EmbeddedPostgres; gateway?: Gateway; worker?: WorkerProcess } = {}
const stopper = createShutdown(running, (code) => process.exit(code), (message) => console.error(message))
const shutdown = stopper.stop

function printBanner(text: string): void {
  const line = '─'.repeat(text.length + 2)
  console.log(`  ┌${line}┐\n  │ ${text} │\n  └${line}┘`)
}

async function main(): Promise<void> {
  console.log(`\nPeak Storefront — ${devMode ? 'development' : 'production'} mode`)
  process.on('SIGINT', () => void shutdown(0))
  process.on('SIGTERM', () => void shutdown(0))

  const services = await chooseServices()
  const embedded = embeddedParts(services)
  if (embedded) printBanner(embeddedBanner())

  await assertPortFree(env.BIND_HOST, env.PORT, 'PORT')
  if (upstash.local) await assertPortFree('127.0.0.1', env.GATEWAY_PORT, 'GATEWAY_PORT')

  let databaseUrl: string
  if (services.database.kind === 'embedded') {
    const dataDir = join(env.DATA_DIR, 'pglite')
    const database = await withTicker(`starting the embedded database in ${dataDir}…`, () => startEmbeddedPostgres({ dataDir }))
    running.database = database
    databaseUrl = database.url
    console.log(
      `  database: embedded PostgreSQL ${database.serverVersion} (PGlite) at ${database.url}, data in ${dataDir}` +
        (database.created ? ' (new)' : ''),
    )
    console.log('            (no PostgreSQL answered on the default address; set DATABASE_URL to use one)')
  } else {
    databaseUrl = services.database.url
    console.log(`  database: ${redactUrl(databaseUrl)}`)
  }
  const redis = services.redis
  if (redis.kind === 'upstash') console.log(`  redis:    Upstash ${redis.url}`)
  else if (redis.kind === 'redis') console.log(`  redis:    local Upstash gateway ${upstash.url} → ${redactUrl(redis.url)}`)
  else {
    console.log(`  redis:    local Upstash gateway ${upstash.url} → in-process Redis emulation (ioredis-mock, in memory)`)
    console.log('            (no Redis answered on the default address; set REDIS_URL or UPSTASH_REDIS_REST_URL to use one)')
  }
  console.log('')

  await prepareDatabase(databaseUrl)

  if (redis.kind !== 'upstash') {
    running.gateway = await startGateway({
      port: env.GATEWAY_PORT,
      token: upstash.token,
      ...(redis.kind === 'emulated' ? { emulateRedis: true as const } : { redisUrl: redis.url }),
    })
    console.log(`gateway listening on ${running.gateway.url} (${running.gateway.backend})`)
  }

  // What every child process (build, store, worker) must agree on.
  const childOverrides = { DATABASE_URL: databaseUrl, STOREFRONT_EMBEDDED: embedded || undefined }

  if (!devMode) await prepareBuild(buildDatabaseKey(services.database.kind === 'embedded', databaseUrl), childOverrides, noBuild)

  const secrets = await localSecrets()
  const serveEnv = {
    ...childOverrides,
    SESSION_SECRET: env.SESSION_SECRET ?? secrets.sessionSecret,
    ADMIN_PASSWORD_HASH: env.ADMIN_PASSWORD_HASH ?? secrets.adminPasswordHash,
  }
  const next = runStoreServer({ dev: devMode, host: env.BIND_HOST, port: env.PORT }, serveEnv)
  running.stopNext = () => {
    if (next.exitCode === null) next.kill('SIGTERM')
  }
  next.on('exit', (code) => void shutdown(code ?? 1))

  await waitForHttp(`http://${env.BIND_HOST}:${env.PORT}/`, next)
  const host = env.BIND_HOST === '127.0.0.1' || env.BIND_HOST === '0.0.0.0' ? 'localhost' : env.BIND_HOST
  console.log(`\n  ➜ store ready at http://${host}:${env.PORT}`)
  if (!env.ADMIN_PASSWORD_HASH) {
    console.log(`  ➜ ops dashboard: http://${host}:${env.PORT}/ops (password in ${secrets.adminPassword.path})`)
  }
  if (embedded) printBanner(embeddedBanner())
  console.log('')

  // The payment worker beside the store; it stops by itself when this process exits (IPC).
  const worker = spawnWorker(childOverrides, { inherit: true })
  running.worker = worker
  worker.child.on('exit', (code, signal) => {
    if (!stopper.stopping && code !== 0) console.error(`payment worker exited (${signal ?? code}): orders stay pending until a worker runs (npm run worker)`)
  })
  worker.ready.then(
    () => console.log(`  ➜ payment worker running (${env.WORKER_CONCURRENCY} jobs at a time; npm run worker adds more)`),
    (error: unknown) => console.error(`payment worker did not start: ${error instanceof Error ? error.message : String(error)}`),
  )
}

main().catch(async (error: unknown) => {
  console.error(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}`)
  await shutdown(1)
})
