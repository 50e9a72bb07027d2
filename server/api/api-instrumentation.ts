/**
 * What an API service process measures, as `instrumentation.ts` does for a Next process: the
 * per-slot snapshot publisher (procedure latencies from the tRPC `timing` middleware, counters,
 * event-loop lag, memory → Redis, merged by /ops with every other instance) and Node's default
 * process metrics on the Prometheus registry. No page timing: this process serves no pages.
 *
 * It publishes as role `api`, with the read replica as this process sees it (its catalog
 * procedures read through it); api-main.ts adds its `host:port` once listening.
 *
 * The instance publishes no URL (unless OPS_INSTANCE_URL says otherwise): /ops pre-warm
 * requests pages from every instance URL it knows, and this process has none to give.
 */
import { collectDefaultMetrics } from 'prom-client'
import { metrics } from '../platform/metrics'
import { replicaStatus } from '../platform/read-replica'
import { snapshotPublisher, type SnapshotPublisher } from '../ops/snapshot-publisher'

export function startApiInstrumentation(): SnapshotPublisher {
  const publisher = snapshotPublisher({ role: 'api', replica: replicaStatus })
  publisher.start()
  if (!metrics.registry.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics({ register: metrics.registry })
  return publisher
}
