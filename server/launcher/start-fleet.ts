/**
 * The store as a fleet on one machine, as a library: `startFleet(options)` starts what
 * `npm run fleet` runs (server/launcher/fleet.ts is its thin CLI), and the rolling-restart test
 * and `npm run drill -- --fleet` run exactly the same:
 *  - with `replica`, a private PostgreSQL primary and streaming replica (replica-pair.ts);
 *  - optionally the local Upstash gateway in front of a Redis (`gateway`);
 *  - N web processes (server/web/web-main.ts), M API processes (server/api/api-main.ts), K
 *    payment workers, all trusting the edge's client-address header from 127.0.0.1 only and
 *    purging the edge on every tag invalidation;
 *  - the edge (Varnish, deploy/edge/storefront.vcl) in front, probing each web and API process's
 *    readiness endpoint.
 * `restart(member)` replaces one web or API process the way a rolling deploy does: SIGTERM
 * (readiness fails, the edge's probe takes it out of rotation, in-flight requests finish), wait
 * for the exit, start a new process on the same port, and wait until the edge's probe says it is
 * healthy again. `stop()` stops everything front to back.
 */
import type { ChildProcess } from 'node:child_process'
import { startGateway, type Gateway } from '../gateway/gateway'
import { redactUrl } from '../platform/redact-url'
import { runApiProcess, stopApiProcess } from './api-process'
import { runStoreServer, waitForHttp } from './next-process'
import { freePort } from './port-free'
import { startReplicaPair, type ReplicaPair, type ReplicaPairOptions } from './replica-pair'
import { behindEdgeEnv, startEdge, type RunningEdge } from './varnish-process'
import { spawnWorker, type WorkerProcess } from './worker-process'
import { HEALTH_PATHS } from '../health/health-paths'

/** How much of a web or API process's output is kept for the message when it exits, in characters. */
const FLEET_OUTPUT_KEPT = 4_000
/** The database the fleet's private primary serves (with `replica`). */
export const FLEET_DATABASE = 'storefront'
/** How long a replacement may take until the edge's probe reports it healthy, in ms. */
export const EDGE_HEALTHY_DEADLINE_MS = 60_000
/** Pause between two looks at the edge's backend health, in ms. */
const EDGE_HEALTH_POLL_MS = 200

export type FleetRole = 'edge' | 'web' | 'api' | 'worker' | 'gateway' | 'primary' | 'replica'

/** One part of a running fleet, as `npm run fleet` prints it. */
export interface FleetMember {
  role: FleetRole
  /** Where it is reached (URL), or what it is (a worker). */
  where: string
  /** Its process id (none for the gateway, which runs inside this process, or the database). */
  pid?: number
  /** web and API: the port it listens on, kept across restarts. */
  port?: number
  /** web and API: its backend's name in the edge's VCL (`web_0`, `api_1`, …). */
  backend?: string
}

export interface FleetOptions {
  web: number
  /** 0: the web processes serve /api/trpc themselves. */
  api: number
  workers: number
  /** The edge's port; 0 takes a free one. */
  port: number
  host: string
  /** The database when there is no private pair (`replica` false). */
  databaseUrl?: string
  /** Run a private primary with a streaming replica (catalog reads go to the replica). */
  replica?: boolean | ReplicaPairOptions
  /** Start the local Upstash gateway (in this process) in front of this Redis. */
  gateway?: { port: number; token: string; redisUrl: string }
  /** Environment of every web, API and worker process (secrets, key prefix, NEXT_DIST_DIR, LOG_LEVEL, …). */
  env: Record<string, string | undefined>
  /** Extra environment of the workers only. */
  workerEnv?: Record<string, string | undefined>
  /**
   * Runs once the database is known and before anything serves: migrate, seed, build.
   * `childEnv` is what the processes will get for the database.
   */
  prepare?(urls: { databaseUrl: string; replicaUrl?: string; childEnv: Record<string, string | undefined> }): Promise<void>
  /** Where unexpected exits are reported (default: console.error). */
  report?(line: string): void
}

export interface RunningFleet {
  /** Where shoppers come in: the edge. */
  edgeUrl: string
  edge: RunningEdge
  databaseUrl: string
  replicaUrl?: string
  /** Every member: edge, primary, replica, gateway, web…, api…, worker…, with current pids. */
  members(): FleetMember[]
  /** Is this web or API member's backend healthy at the edge now (its probe, via varnishadm)? */
  edgeHealthy(member: FleetMember): Promise<boolean>
  /**
   * Rolling restart of one web or API member: SIGTERM, wait for its exit, start a replacement on
   * the same port, wait until it answers and the edge's probe says healthy. Resolves with the new member.
   * @throws when the member is not web or API, the replacement does not start, or the edge does
   * not report it healthy within EDGE_HEALTHY_DEADLINE_MS.
   */
  restart(member: FleetMember): Promise<FleetMember>
  /**
   * The crash case of payment worker `index` (0-based): SIGKILL, no chance to hand back its jobs
   * (their leases expire: WORKER_JOB_LEASE_MS). Resolves when it is gone. The fault drill uses it.
   * @throws when there is no worker `index`.
   */
  killWorker(index: number): Promise<void>
  /**
   * Starts a new payment worker in slot `index` (after killWorker), with the same settings;
   * resolves when it reports ready. @throws when there is no slot `index`, or the worker fails to start.
   */
  replaceWorker(index: number): Promise<void>
  /** Front to back: the edge, web and API (draining), workers, gateway, database pair. Stages that fail are reported. */
  stop(): Promise<void>
}

interface ServerSlot {
  role: 'web' | 'api'
  port: number
  backend: string
  child: ChildProcess
  /** Set while this slot is being restarted (its exit is expected). */
  restarting: boolean
}

/**
 * Starts a fleet; on failure everything started so far is stopped before the error is thrown.
 * @throws when a process does not start, the database pair cannot be made, or varnishd is missing.
 */
export async function startFleet(o: FleetOptions): Promise<RunningFleet> {
  const report = o.report ?? ((line: string) => console.error(line))
  const slots: ServerSlot[] = []
  const workers: WorkerProcess[] = []
  let gateway: Gateway | undefined
  let pair: ReplicaPair | undefined
  let edge: RunningEdge | undefined
  let stopping = false
  const dbMembers: FleetMember[] = []

  const stopAll = async (): Promise<void> => {
    stopping = true
    await stage('edge', edge?.stop(), report)
    await stage('web and API', Promise.all(slots.map((s) => stopServer(s))), report)
    await stage('workers', Promise.all(workers.map((w) => w.stop())), report)
    await stage('gateway', gateway?.close(), report)
    await stage('database pair', pair?.stop(), report)
  }

  try {
    let databaseUrl = o.databaseUrl
    let replicaUrl: string | undefined
    if (o.replica) {
      pair = await startReplicaPair(o.replica === true ? {} : o.replica)
      databaseUrl = pair.primaryUrl.replace(/\/postgres$/, `/${FLEET_DATABASE}`)
      replicaUrl = pair.replicaUrl.replace(/\/postgres$/, `/${FLEET_DATABASE}`)
      dbMembers.push({ role: 'primary', where: redactUrl(databaseUrl) }, { role: 'replica', where: redactUrl(replicaUrl) })
    } else if (databaseUrl) {
      dbMembers.push({ role: 'primary', where: `${redactUrl(databaseUrl)} (no replica: --replica runs a private pair)` })
    } else {
      throw new Error('startFleet: give databaseUrl, or replica to run a private pair')
    }
    const dbEnv = { DATABASE_URL: databaseUrl, DATABASE_REPLICA_URL: replicaUrl }
    if (o.gateway) {
      gateway = await startGateway(o.gateway)
      dbMembers.push({ role: 'gateway', where: `${gateway.url} → ${redactUrl(o.gateway.redisUrl)}` })
    }
    await o.prepare?.({ databaseUrl, replicaUrl, childEnv: dbEnv })

    const edgePort = o.port === 0 ? await freePort() : o.port
    const edgeUrl = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${edgePort}`
    const serveEnv = { ...o.env, ...dbEnv, ...behindEdgeEnv(), EDGE_PURGE_URLS: edgeUrl }

    const spawnServer = (role: 'web' | 'api', port: number): { child: ChildProcess; ready: Promise<unknown> } => {
      if (role === 'api') {
        const api = runApiProcess({ host: o.host, port }, serveEnv)
        return { child: api.child, ready: api.ready }
      }
      const child = runStoreServer({ dev: false, host: o.host, port }, serveEnv, 'pipe')
      return { child, ready: waitForHttp(`http://${o.host}:${port}${HEALTH_PATHS.live}`, child) }
    }
    const watch = (slot: ServerSlot): void => {
      // Read what it prints (a full pipe would stall it) and keep the tail for when it exits.
      let output = ''
      const keep = (d: Buffer) => (output = (output + d.toString()).slice(-FLEET_OUTPUT_KEPT))
      slot.child.stdout?.on('data', keep)
      slot.child.stderr?.on('data', keep)
      slot.child.once('exit', (code, signal) => {
        if (!stopping && !slot.restarting) {
          report(`${slot.role} :${slot.port} exited (${signal ?? code}); the edge sends its traffic to the others. Its last output:\n${output}`)
        }
      })
    }
    const start = async (role: 'web' | 'api', index: number): Promise<ServerSlot> => {
      const port = await freePort()
      const { child, ready } = spawnServer(role, port)
      const slot: ServerSlot = { role, port, backend: `${role}_${index}`, child, restarting: false }
      slots.push(slot)
      watch(slot)
      await ready
      return slot
    }
    await Promise.all([
      ...Array.from({ length: o.web }, (_, i) => start('web', i)),
      ...Array.from({ length: o.api }, (_, i) => start('api', i)),
    ])
    slots.sort((a, b) => (a.role === b.role ? a.backend.localeCompare(b.backend) : a.role === 'web' ? -1 : 1))

    const workerEnv = { ...o.env, ...dbEnv, ...o.workerEnv }
    for (let i = 0; i < o.workers; i++) {
      const worker = spawnWorker(workerEnv, { inherit: false })
      workers.push(worker)
      await worker.ready
    }
    const workerAt = (index: number): WorkerProcess => {
      const worker = workers[index]
      if (!worker) throw new Error(`the fleet has no payment worker ${index} (it runs ${workers.length})`)
      return worker
    }

    edge = await startEdge({
      port: edgePort,
      host: o.host,
      web: slots.filter((s) => s.role === 'web').map((s) => ({ host: o.host, port: s.port })),
      api: slots.filter((s) => s.role === 'api').map((s) => ({ host: o.host, port: s.port })),
    })
    const runningEdge = edge

    const memberOf = (s: ServerSlot): FleetMember => ({
      role: s.role,
      where: s.role === 'web' ? `http://${o.host}:${s.port}` : `http://${o.host}:${s.port}/api/trpc`,
      pid: s.child.pid,
      port: s.port,
      backend: s.backend,
    })
    const edgeHealthy = async (member: FleetMember): Promise<boolean> => {
      if (!member.backend) throw new Error(`${member.role} has no backend at the edge`)
      return (await runningEdge.backendHealth()).get(member.backend) === true
    }

    return {
      edgeUrl,
      edge: runningEdge,
      databaseUrl,
      replicaUrl,
      members: () => [
        { role: 'edge', where: `${edgeUrl} (shoppers and admins come in here)`, pid: runningEdge.process.pid },
        ...dbMembers,
        ...slots.map(memberOf),
        ...workers.map((w, i): FleetMember => ({ role: 'worker', where: `payment worker ${i + 1}`, pid: w.child.pid })),
      ],
      edgeHealthy,
      async restart(member) {
        const slot = slots.find((s) => s.backend === member.backend)
        if (!slot) throw new Error(`only web and API members can be restarted (got ${member.role})`)
        slot.restarting = true
        try {
          await stopServer(slot)
          const { child, ready } = spawnServer(slot.role, slot.port)
          slot.child = child
          watch(slot)
          await ready
        } finally {
          slot.restarting = false
        }
        const next = memberOf(slot)
        const deadline = Date.now() + EDGE_HEALTHY_DEADLINE_MS
        while (!(await edgeHealthy(next))) {
          if (Date.now() > deadline) throw new Error(`the edge did not report ${slot.backend} healthy within ${EDGE_HEALTHY_DEADLINE_MS / 1000} s`)
          await new Promise((r) => setTimeout(r, EDGE_HEALTH_POLL_MS))
        }
        return next
      },
      killWorker: (index) => workerAt(index).kill(),
      async replaceWorker(index) {
        workerAt(index)
        const next = spawnWorker(workerEnv, { inherit: false })
        workers[index] = next
        await next.ready
      },
      stop: stopAll,
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}

/** SIGTERM a web or API process and wait for its exit (it drains first: server/health/draining.ts). */
async function stopServer(slot: ServerSlot): Promise<void> {
  const child = slot.child
  if (slot.role === 'api') {
    await stopApiProcess(child)
    return
  }
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  child.kill('SIGTERM')
  await exited
}

/** Awaits one stage of a shutdown; a stage that fails is reported and the next one still runs. */
async function stage(name: string, work: Promise<unknown> | undefined, report: (line: string) => void): Promise<void> {
  try {
    await work
  } catch (error) {
    report(`  could not stop the ${name}: ${error instanceof Error ? error.message : String(error)}`)
  }
}
