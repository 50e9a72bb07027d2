/**
 * The payment worker: a graphile-worker pool running `payment.charge` jobs, plus this
 * process's sweeper timer (sweep-stuck-orders.ts, also run once at start so a restart
 * after a crash recovers at once), the queue gauges, and optionally its own port for /metrics and the health probes.
 * Several worker processes on one database are safe: graphile-worker hands each job to
 * one pool (SKIP LOCKED), and every settlement is a guarded UPDATE.
 */
import { EventEmitter } from 'node:events'
import { createServer, type Server } from 'node:http'
import { serveHealth } from '../health/health-http'
import { Logger as GraphileLogger, parseCronItems, run, type Runner, type WorkerEvents } from 'graphile-worker'
import { env } from '../env'
import { prometheusText } from '../ops/prometheus.service'
import { logger } from '../platform/logger'
import { metrics, paymentLatencyPercentiles } from '../platform/metrics'
import { createPaymentTask } from './payment-job'
import { PAYMENT_TASK } from './payment-queue.repo'
import { queueConnectionOptions } from './queue-connection-options'
import { sampleQueueMetrics } from './queue-stats'
import { sweepStuckOrders } from './sweep-stuck-orders'

/** How often the queue gauges are refreshed. */
export const QUEUE_SAMPLE_MS = 5_000

export interface PaymentWorkerOptions {
  connectionString?: string
  concurrency?: number
  sweepIntervalMs?: number
  /** Serve Prometheus text on this port (127.0.0.1 unless BIND_HOST says otherwise). */
  metricsPort?: number
}

export interface PaymentWorker {
  /** graphile-worker pool ids of this process (what `locked_by` shows for its jobs). */
  poolIds: readonly string[]
  /** Graceful stop: running jobs finish, nothing new starts. */
  stop(): Promise<void>
  /** Settles when the pool stops (rejects if it dies). */
  done: Promise<void>
}

const log = logger.child({ module: 'worker' })

/** graphile-worker's log lines into our pino logger. */
const graphileLogger = new GraphileLogger((scope) => (level, message, meta) => {
  const fields = { scope, ...meta }
  if (level === 'error') log.error(fields, message)
  else if (level === 'warning') log.warn(fields, message)
  // Per-job lines ("Completed task …") carry the whole job: debug, not info.
  else if (level === 'info' && !(meta && 'job' in meta)) log.info(fields, message)
  else log.debug(fields, message)
})

function countJobs(events: WorkerEvents): void {
  events.on('job:success', ({ job }) => metrics.jobsProcessed.inc({ task: job.task_identifier, outcome: 'success' }))
  events.on('job:error', ({ job, error }) => {
    metrics.jobsProcessed.inc({ task: job.task_identifier, outcome: 'error' })
    log.warn({ err: error, jobId: job.id, task: job.task_identifier, attempts: job.attempts, key: job.key }, 'job failed; graphile-worker will retry it')
  })
  events.on('job:failed', ({ job, error }) =>
    log.error({ err: error, jobId: job.id, task: job.task_identifier, key: job.key }, 'job gave up after its last attempt (the sweeper resolves its order)'),
  )
}

function every(ms: number, what: string, fn: () => Promise<unknown>): () => void {
  let running = false
  const tick = () => {
    if (running) return
    running = true
    fn()
      .catch((error: unknown) => log.error({ err: error }, `${what} failed`))
      .finally(() => (running = false))
  }
  const timer = setInterval(tick, ms)
  timer.unref()
  tick()
  return () => clearInterval(timer)
}

function serveMetrics(port: number): Server {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      // The health probes (deploy/k8s/worker.yaml) share this port; anything else is 404.
      void serveHealth(req, res).then((served) => {
        if (!served) res.writeHead(404).end()
      })
      return
    }
    void prometheusText(req.headers.authorization ?? null).then((answer) => {
      res.writeHead(answer.status, { 'content-type': answer.status === 200 ? answer.contentType : 'text/plain; charset=utf-8' })
      res.end(answer.body)
    })
  })
  server.listen(port, env.BIND_HOST)
  return server
}

export async function startPaymentWorker(opts: PaymentWorkerOptions = {}): Promise<PaymentWorker> {
  const concurrency = opts.concurrency ?? env.WORKER_CONCURRENCY
  const poolIds: string[] = []
  const events: WorkerEvents = new EventEmitter()
  events.on('pool:create', ({ workerPool }) => poolIds.push(workerPool.id))
  countJobs(events)

  const runner: Runner = await run({
    connectionString: opts.connectionString ?? env.DATABASE_URL,
    concurrency,
    // graphile-worker's own connections: one per running job plus LISTEN and bookkeeping.
    maxPoolSize: concurrency + 2,
    noHandleSignals: true,
    logger: graphileLogger,
    events,
    taskList: { [PAYMENT_TASK]: createPaymentTask() },
    parsedCronItems: parseCronItems([]),
    ...queueConnectionOptions(),
  })

  const stopSweeping = every(opts.sweepIntervalMs ?? env.SWEEPER_INTERVAL_MS, 'sweep', () => sweepStuckOrders({ livePools: poolIds }))
  const stopSampling = every(QUEUE_SAMPLE_MS, 'queue sampling', sampleQueueMetrics)
  const metricsPort = opts.metricsPort ?? env.WORKER_METRICS_PORT
  const metricsServer = metricsPort === undefined ? null : serveMetrics(metricsPort)

  log.info({ concurrency, poolIds, metricsPort: metricsPort ?? null }, 'worker ready')
  let stopping: Promise<void> | null = null
  return {
    poolIds,
    done: runner.promise,
    stop() {
      stopping ??= (async () => {
        stopSweeping()
        stopSampling()
        metricsServer?.close()
        await runner.stop()
        log.info({ payments: paymentLatencyPercentiles() }, 'worker stopped')
      })()
      return stopping
    },
  }
}
