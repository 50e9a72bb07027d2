/**
 * `npm run fleet -- [--web N] [--api M] [--workers K] [--replica] [--port P]`: the store as a
 * fleet on one machine, the way production runs it (docs/ARCHITECTURE.md, the edge and fleet rows):
 *  - the edge (Varnish + xkey, deploy/edge/storefront.vcl) on `--port` (default PORT), in
 *    front of N web processes (Next through server/web/web-server.ts) and M API processes
 *    (the appRouter on @trpc/server's standalone adapter, server/api/); with M = 0 the web
 *    processes serve /api/trpc as `npm start` does;
 *  - K payment workers, the local Upstash gateway, and the database: the configured
 *    PostgreSQL, or with `--replica` a private primary with a streaming read replica
 *    (server/launcher/replica-pair.ts) whose replica takes the catalog reads.
 * Every web and API process trusts the client address only from the edge and purges the edge
 * on every tag invalidation. It prints where each process listens; Ctrl-C stops them all.
 * The fleet itself is server/launcher/start-fleet.ts (`startFleet`), which the rolling-restart
 * test and `npm run drill -- --fleet` run too; this file parses the options, chooses the
 * services, prepares the database and the build, and prints the members.
 * Needs real PostgreSQL and Redis (the embedded ones live inside one process and cannot be
 * shared) and varnishd (Debian: varnish varnish-modules): it says which is missing.
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { env, upstash } from '../env'
import { chooseServices } from './choose-services'
import { localSecrets } from './local-secrets'
import { assertPortFree } from './port-free'
import { buildDatabaseKey, prepareBuild, prepareDatabase } from './prepare-store'
import { startFleet, type RunningFleet } from './start-fleet'
import { requireVarnishd } from './varnish-process'

/** Most processes of one role a 2-core machine is worth running (and a typo's ceiling). */
export const FLEET_MAX_PER_ROLE = 8

const fleetArgs = z.object({
  web: z.coerce.number().int().min(1).max(FLEET_MAX_PER_ROLE).default(2),
  api: z.coerce.number().int().min(0).max(FLEET_MAX_PER_ROLE).default(2),
  workers: z.coerce.number().int().min(1).max(FLEET_MAX_PER_ROLE).default(1),
  port: z.coerce.number().int().min(1).max(65_535).default(env.PORT),
  replica: z.boolean().default(false),
})
export type FleetArgs = z.infer<typeof fleetArgs>

let fleet: RunningFleet | undefined
let stopping = false

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true
    if (fleet) {
      console.log('\nstopping the fleet: edge, web and API (draining), workers, gateway, database pair…')
      // Front to back: no new traffic first, then the servers drain, then what they use.
      await fleet.stop()
      console.log('fleet stopped')
    }
  }
  process.exit(code)
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
  const secrets = await localSecrets()
  const started = await startFleet({
    web: args.web,
    api: args.api,
    workers: args.workers,
    port: args.port,
    host: env.BIND_HOST,
    databaseUrl: services.database.url,
    replica: args.replica,
    gateway: services.redis.kind === 'redis' ? { port: env.GATEWAY_PORT, token: upstash.token, redisUrl: services.redis.url } : undefined,
    env: {
      SESSION_SECRET: env.SESSION_SECRET ?? secrets.sessionSecret,
      ADMIN_PASSWORD_HASH: env.ADMIN_PASSWORD_HASH ?? secrets.adminPasswordHash,
    },
    async prepare({ databaseUrl, childEnv }) {
      await prepareDatabase(databaseUrl)
      await prepareBuild(buildDatabaseKey(false, databaseUrl), childEnv)
    },
  })
  fleet = started
  started.edge.process.once('exit', (code) => {
    if (!stopping) {
      console.error(`the edge (varnishd) exited (${code}): stopping the fleet`)
      void shutdown(1)
    }
  })

  console.log('')
  for (const m of started.members()) console.log(`  ${m.role.padEnd(8)} ${m.where}${m.pid ? `  (pid ${m.pid})` : ''}`)
  console.log(`\n  ➜ store ready at ${started.edgeUrl}   ops: ${started.edgeUrl}/ops   Ctrl-C stops the fleet\n`)
}

main().catch(async (error: unknown) => {
  console.error(`\nnpm run fleet failed: ${error instanceof Error ? error.message : String(error)}`)
  await shutdown(1)
})
