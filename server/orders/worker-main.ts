/**
 * `npm run worker`: one payment worker process (WORKER_CONCURRENCY jobs at once) on
 * DATABASE_URL, which also competes to be the fleet's sale-day signal sampler (queue depth
 * and age, alert states, every slot, whether or not anyone watches: ops/signal-sampler.ts).
 * It publishes its figures to /ops like every instance (ops/snapshot-publisher.ts, role
 * `worker`), so the dashboard lists it with its pid, uptime, event loop and memory.
 * SIGTERM/SIGINT stop it gracefully (running charges finish). Started by a
 * parent with an IPC channel (npm start, tests), it also stops when that parent goes away,
 * so a crashed parent never leaves a worker behind, and tells it `{ type: 'worker-ready' }`.
 */
import { createSignalSampler } from '../ops/signal-sampler'
import { snapshotPublisher } from '../ops/snapshot-publisher'
import { logger } from '../platform/logger'
import { pool } from '../platform/db'
import { startPaymentWorker } from './worker'

const log = logger.child({ module: 'worker-main' })

async function main(): Promise<void> {
  const worker = await startPaymentWorker()
  const sampler = createSignalSampler()
  sampler.start()
  const publisher = snapshotPublisher({ role: 'worker', address: 'worker' })
  publisher.start()
  let exiting = false
  const shutdown = (why: string) => {
    if (exiting) return
    exiting = true
    log.info({ why }, 'stopping worker')
    const force = setTimeout(() => process.exit(1), 15_000)
    force.unref()
    publisher.stop()
    void sampler
      .stop()
      .then(() => worker.stop())
      .then(() => pool.end())
      .then(() => process.exit(0), () => process.exit(1))
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  if (process.send) {
    process.on('disconnect', () => shutdown('parent went away'))
    process.send({ type: 'worker-ready', poolIds: worker.poolIds })
  }
  worker.done.catch((error: unknown) => {
    log.fatal({ err: error }, 'worker pool died')
    process.exit(1)
  })
}

main().catch((error: unknown) => {
  log.fatal({ err: error }, 'worker failed to start')
  process.exit(1)
})
