/**
 * Samples the payment queue (the orders domain's own gauges and query) for the dashboard and
 * records the sample in Redis, one per slot, so every admin's chart shows the same history.
 * Sampled here — when an admin's dashboard refreshes — rather than by every web instance:
 * shopper-serving instances run no SQL of their own.
 */
import type { Redis } from '@upstash/redis'
import { logger } from '../platform/logger'
import { redis as appRedis } from '../platform/redis'
import { sampleQueueMetrics } from '../orders/queue-stats'
import { opsKeys, slotOf, SNAPSHOT_TTL_MS, type QueueSample } from './metrics-snapshot'

const log = logger.child({ module: 'queue-sampler' })

/** The queue now, or null when PostgreSQL did not answer. The Redis write is best effort. */
export async function sampleQueue(now: number = Date.now(), redis: Redis = appRedis): Promise<QueueSample | null> {
  let sample: QueueSample
  try {
    sample = await sampleQueueMetrics()
  } catch (error) {
    log.warn({ err: error }, 'queue sample failed')
    return null
  }
  await redis.set(opsKeys.queueSample(slotOf(now)), JSON.stringify(sample), { px: SNAPSHOT_TTL_MS }).catch(() => {})
  return sample
}
