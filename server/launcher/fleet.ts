/**
 * `npm run fleet -- [--web N] [--api M] [--workers K] [--replica] [--port P]`: the store as a
 * fleet on one machine, the way production runs it (docs/ARCHITECTURE.md, "The fleet"):
 *  - the edge (Varnish + xkey, deploy/edge/storefront.vcl) on `--port` (default PORT), in
 *    front of N web processes (Next through server/web/web-server.ts) and M API processes
 *    (the appRouter on @trpc/server's standalone adapter, server/api/); with M = 0 the web
 *    processes serve /api/trpc as `npm start` does;
 *  - K payment workers, the local Upstash gateway, and the database: the configured
 *    PostgreSQL, or with `--replica` a private primary with a streaming read replica
 *    (server/launcher/replica-pair.ts) whose replica takes the catalog reads.
 * Every web and API process trusts the client address only from the edge and purges the edge
 * on every tag invalidation. It prints where each process listens; Ctrl-C stops them all.
 * Needs real PostgreSQL and Redis (the embedded ones live inside one process and cannot be
 * shared) and varnishd (Debian: varnish varnish-modules): it says which is missing.
 */
import type { ChildProcess } from 'node:child_process'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { env, upstash } from '../env'
import { startGateway, type Gateway } from '../gateway/gateway'
import { redactUrl } from '../platform/redact-url'
import { runApiProcess, stopApiProcess } from './api-process'
import { chooseServices } from './choose-services'
import { localSecrets } from './local-secrets'
import { runStoreServer, waitForHttp } from './next-process'
import { assertPortFree, freePort } from './port-free'
import { buildDatabaseKey, prepareBuild, prepareDatabase } from './prepare-store'
import { startReplicaPair, type ReplicaPair } from './replica-pair'
import { behindEdgeEnv, requireVarnishd, startEdge, type RunningEdge } from './varnish-process'
import { spawnWorker, type WorkerProcess } from './worker-process'

/** Most processes of one role a 2-core machine is worth running (and a typo's ceiling). */
export const FLEET_MAX_PER_ROLE = 8
/** How much of a web process's output is kept for the message when it exits, in characters. */
const FLEET_OUTPUT_KEPT = 4_000
/** The database the fleet's private primary serves (with `--replica`). */
const FLEET_DATABASE = 'storefront'

const fleetArgs = z.object({
  web: z.coerce.number().int().min(1).max(FLEET_MAX_PER_ROLE).default(2),
  api: z.coerce.number().int().min(0).max(FLEET_MAX_PER_ROLE).default(2),
  workers: z.coerce.number().int().min(1).max(FLEET_MAX_PER_ROLE).default(1),
  port: z.coerce.number().int().min(1).max(65_535).default(env.PORT),
  replica: z.boolean().default(false),
})
export type FleetArgs = z.infer<typeof fleetArgs>

type Member = { role: 'edge' | 'web' | 'api' | 'worker' | 'gateway' | 'primary' | 'replica'; where: string; pid?: number }

const running: {
  edge?: RunningEdge
  web: ChildProcess[]
  api: ChildProcess[]
  workers: WorkerProcess[]
  gateway?: Gateway
  pair?: ReplicaPair
} = { web: [], api: [], workers: [] }
let stopping = false

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true
    console.log('\nstopping the fleet: edge, web and API (draining), workers, gateway, database pair…')
    // Front to back: no new traffic first, then the servers drain, then what they use.
    await step('edge', running.edge?.stop())
    await step(
      'web and API',
      Promise.all([...running.web.map((child) => stopChild(child)), ...running.api.map((child) => stopApiProcess(child))]),
    )
    await step('workers', Promise.all(running.workers.map((w) => w.stop())))
    await step('gateway', running.gateway?.close())
    await step('database pair', running.pair?.stop())
    console.log('fleet stopped')
  }
  process.exit(code)
}

/** Awaits one stage of the shutdown; a stage that fails is reported and the next one still runs. */
async function step(name: string, stage: Promise<unknown> | undefined): Promise<void> {
  try {
    await stage
  } catch (error) {
    console.error(`  could not stop the ${name}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  child.kill('SIGTERM')
  return exited
}

function parse(): FleetArgs {
  const { values } = parseArgs({
    options: {
      web: { type: 'string' },
      api: { type: 'string' },
      workers: { type: 'string' },
      port: { type: 'string' },
      replica: { type: 'boolean' },
    },
  })
  const parsed = fleetArgs.safeParse(values)
  if (!parsed.success) {
    console.error(`npm run fleet: ${z.prettifyError(parsed.error)}\nusage: npm run fleet -- [--web N] [--api M] [--workers K] [--replica] [--port P]`)
    process.exit(2)
  }
  return parsed.data
}

async function main(): Promise<void> {
  const args = parse()
  process.on('SIGINT', () => void shutdown(0))
  process.on('SIGTERM', () => void shutdown(0))
  console.log(`\nPeak Storefront — fleet: edge, ${args.web} web, ${args.api} API, ${args.workers} worker(s)${args.replica ? ', primary + read replica' : ''}`)

  requireVarnishd()
  await assertPortFree(env.BIND_HOST, args.port, '--port')
  if (upstash.local) await assertPortFree('127.0.0.1', env.GATEWAY_PORT, 'GATEWAY_PORT')

  const services = await chooseServices()
  if (services.database.kind === 'embedded' || services.redis.kind === 'emulated') {
    throw new Error(
      'fleet mode needs a real PostgreSQL and Redis (the embedded ones live inside one process): start them, or set DATABASE_URL / REDIS_URL',
    )
  }
  const members: Member[] = []

  let databaseUrl = services.database.url
  let replicaUrl: string | undefined
  if (args.replica) {
    running.pair = await startReplicaPair()
    databaseUrl = running.pair.primaryUrl.replace(/\/postgres$/, `/${FLEET_DATABASE}`)
    replicaUrl = running.pair.replicaUrl.replace(/\/postgres$/, `/${FLEET_DATABASE}`)
    members.push({ role: 'primary', where: redactUrl(databaseUrl) }, { role: 'replica', where: redactUrl(replicaUrl) })
  } else {
    members.push({ role: 'primary', where: `${redactUrl(databaseUrl)} (no replica: --replica runs a private pair)` })
  }
  await prepareDatabase(databaseUrl)

  if (services.redis.kind === 'redis') {
    running.gateway = await startGateway({ port: env.GATEWAY_PORT, token: upstash.token, redisUrl: services.redis.url })
    members.push({ role: 'gateway', where: `${running.gateway.url} → ${redactUrl(services.redis.url)}` })
  }

  const childOverrides = { DATABASE_URL: databaseUrl, DATABASE_REPLICA_URL: replicaUrl }
  await prepareBuild(buildDatabaseKey(false, databaseUrl), childOverrides)

  const secrets = await localSecrets()
  const edgeUrl = `http://${env.BIND_HOST}:${args.port}`
  const serveEnv = {
    ...childOverrides,
    ...behindEdgeEnv(),
    EDGE_PURGE_URLS: edgeUrl,
    SESSION_SECRET: env.SESSION_SECRET ?? secrets.sessionSecret,
    ADMIN_PASSWORD_HASH: env.ADMIN_PASSWORD_HASH ?? secrets.adminPasswordHash,
  }

  const webPorts = await Promise.all(Array.from({ length: args.web }, () => freePort()))
  const apiPorts = await Promise.all(Array.from({ length: args.api }, () => freePort()))
  for (const port of webPorts) {
    const child = runStoreServer({ dev: false, host: env.BIND_HOST, port }, serveEnv, 'pipe')
    running.web.push(child)
    // Read what it prints (a full pipe would stall it) and keep the tail for when it exits.
    let output = ''
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-FLEET_OUTPUT_KEPT))
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    child.on('exit', (code) => {
      if (!stopping) console.error(`web :${port} exited (${code}); the edge sends its traffic to the others. Its last output:\n${output}`)
    })
  }
  const apis = apiPorts.map((port) => runApiProcess({ host: env.BIND_HOST, port }, serveEnv))
  running.api.push(...apis.map((a) => a.child))
  await Promise.all([
    ...webPorts.map((port, i) => waitForHttp(`http://${env.BIND_HOST}:${port}/`, running.web[i])),
    ...apis.map((a) => a.ready),
  ])
  webPorts.forEach((port, i) => members.push({ role: 'web', where: `http://${env.BIND_HOST}:${port}`, pid: running.web[i]?.pid }))
  apiPorts.forEach((port, i) => members.push({ role: 'api', where: `http://${env.BIND_HOST}:${port}/api/trpc`, pid: apis[i]?.child.pid }))

  for (let i = 0; i < args.workers; i++) {
    const worker = spawnWorker(childOverrides, { inherit: false })
    running.workers.push(worker)
    await worker.ready
    members.push({ role: 'worker', where: `payment worker ${i + 1}`, pid: worker.child.pid })
  }

  running.edge = await startEdge({
    port: args.port,
    host: env.BIND_HOST,
    web: webPorts.map((port) => ({ host: env.BIND_HOST, port })),
    api: apiPorts.map((port) => ({ host: env.BIND_HOST, port })),
  })
  running.edge.process.once('exit', (code) => {
    if (!stopping) {
      console.error(`the edge (varnishd) exited (${code}): stopping the fleet`)
      void shutdown(1)
    }
  })
  members.unshift({ role: 'edge', where: `${running.edge.url} (shoppers and admins come in here)`, pid: running.edge.process.pid })

  console.log('')
  for (const m of members) console.log(`  ${m.role.padEnd(8)} ${m.where}${m.pid ? `  (pid ${m.pid})` : ''}`)
  console.log(`\n  ➜ store ready at ${running.edge.url}   ops: ${running.edge.url}/ops   Ctrl-C stops the fleet\n`)
}

main().catch(async (error: unknown) => {
  console.error(`\nnpm run fleet failed: ${error instanceof Error ? error.message : String(error)}`)
  await shutdown(1)
})
