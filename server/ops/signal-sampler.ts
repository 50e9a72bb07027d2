/**
 * The sale-day signals with nobody watching: once per slot (SLOT_MS, wall-clock aligned),
 * ONE process of the fleet samples the job queue (depth, oldest due job's age) and evaluates
 * the alert thresholds (alerts.ts) against the fleet's merged figures, and records both in
 * Redis (`ops:queue:{slot}`, `ops:alerts:{slot}`, kept SNAPSHOT_TTL_MS): the history /ops
 * charts, and what every web instance's /api/metrics exports (fleet-prometheus.ts), so
 * Prometheus and its alert rules (deploy/prometheus/) see them whether or not /ops is open.
 *
 * Who samples: every worker process runs this and competes for a lease in Redis
 * (platform/lease.ts); the holder samples, the others wait, and when the holder dies its
 * lease lapses after SAMPLER_LEASE_MS and another takes over. Workers are the right home:
 * they already talk to PostgreSQL for the queue, and shopper-serving instances issue no SQL
 * of their own. Failures are logged and retried next slot, never thrown.
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Redis } from '@upstash/redis'
import { sampleQueueMetrics } from '../orders/queue-stats'
import { createLease } from '../platform/lease'
import { logger } from '../platform/logger'
import { redis as appRedis } from '../platform/redis'
import { SLOT_MS } from '../platform/request-stats'
import { evaluateAlerts } from './alerts'
import { createFleetReader, PUBLISH_GRACE_MS } from './fleet-reader'
import { opsKeys, slotOf, SNAPSHOT_TTL_MS, type AlertSample, type QueueSample } from './metrics-snapshot'

/** A holder that stopped renewing loses the lease after this long (three slots). */
export const SAMPLER_LEASE_MS = 3 * SLOT_MS

const log = logger.child({ module: 'signal-sampler' })
const LOG_EVERY_MS = 30_000

export interface SignalSamplerOptions {
  redis?: Redis
  /** This process's name in the lease and in each sample's `by`. */
  owner?: string
  /** The queue now (default: graphile-worker's jobs table through the orders domain). */
  sampleQueue?: () => Promise<QueueSample>
  now?: () => number
}

export interface SignalSampler {
  owner: string
  /** Samples the current slot now if this process holds the lease; resolves whether it did. */
  sampleOnce(): Promise<boolean>
  start(): void
  /** Stops the timer and hands the lease over. */
  stop(): Promise<void>
}

export function createSignalSampler(opts: SignalSamplerOptions = {}): SignalSampler {
  const redis = opts.redis ?? appRedis
  const now = opts.now ?? Date.now
  const owner = opts.owner ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`
  const sampleQueue = opts.sampleQueue ?? sampleQueueMetrics
  const lease = createLease(redis, opsKeys.samplerLease(), owner, SAMPLER_LEASE_MS)
  const reader = createFleetReader({ redis, now })
  let timer: NodeJS.Timeout | null = null
  let running = false
  let lastLog = 0

  async function sampleOnce(): Promise<boolean> {
    if (!(await lease.hold())) return false
    const at = now()
    const slot = slotOf(at)
    const [queue, fleet] = await Promise.all([sampleQueue(), reader.read(at)])
    const alerts = evaluateAlerts({
      figures: fleet.figures,
      queue,
      redis: fleet.redis,
      liveInstanceIds: new Set(fleet.instances.filter((i) => i.live).map((i) => i.id)),
    })
    const sample: AlertSample = { at, by: owner, alerts: alerts.map(({ id, panel, reason, runbook }) => ({ id, panel, reason, runbook })) }
    const p = redis.pipeline()
    p.set(opsKeys.queueSample(slot), JSON.stringify(queue), { px: SNAPSHOT_TTL_MS })
    p.set(opsKeys.alertSample(slot), JSON.stringify(sample), { px: SNAPSHOT_TTL_MS })
    await p.exec()
    return true
  }

  function schedule(): void {
    const t = now()
    // After the web instances published the slot that just closed (their figures feed the alerts).
    timer = setTimeout(tick, (slotOf(t) + 1) * SLOT_MS - t + PUBLISH_GRACE_MS)
    timer.unref()
  }

  function tick(): void {
    schedule()
    if (running) return
    running = true
    sampleOnce()
      .catch((error: unknown) => {
        if (now() - lastLog > LOG_EVERY_MS) {
          lastLog = now()
          log.warn({ err: error }, 'could not sample the sale-day signals this slot; trying again next slot')
        }
      })
      .finally(() => (running = false))
  }

  return {
    owner,
    sampleOnce,
    start() {
      if (timer) return
      log.info({ owner, everyMs: SLOT_MS }, 'sale-day signal sampler started (samples while it holds the lease)')
      tick()
    },
    async stop() {
      if (timer) clearTimeout(timer)
      timer = null
      await lease.release().catch(() => {})
    },
  }
}
