/** Queue depth and the oldest due job's wait, sampled into the metrics gauges. */
import { metrics } from '../platform/metrics'
import { queueCounts, type QueueCounts } from './payment-queue.repo'

export async function sampleQueueMetrics(): Promise<QueueCounts> {
  const counts = await queueCounts()
  for (const state of ['ready', 'scheduled', 'running', 'failed'] as const) metrics.queueJobs.set({ state }, counts[state])
  metrics.queueOldestJobSeconds.set(counts.oldestReadySeconds)
  return counts
}
