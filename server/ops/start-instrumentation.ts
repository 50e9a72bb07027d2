/**
 * What instrumentation.ts starts in every `next start` process: page and route timing
 * (diagnostics_channel), the per-slot snapshot publisher (role `web`, its `host:port` once
 * listening, the read replica as this process sees it), and Node's default process
 * metrics (CPU, memory, event-loop lag) on the Prometheus registry. Idempotent.
 */
import { hostname } from 'node:os'
import { collectDefaultMetrics } from 'prom-client'
import { env } from '../env'
import { metrics } from '../platform/metrics'
import { replicaStatus } from '../platform/read-replica'
import { startHttpTiming } from './http-timing'
import { routeNamerForBuild } from './route-names'
import { snapshotPublisher } from './snapshot-publisher'

const STARTED = Symbol.for('storefront.opsInstrumentation')
const g = globalThis as unknown as { [STARTED]?: boolean }

/** The host other instances use to reach this one when it listens on every interface. */
function reachableHost(bindHost: string): string {
  return bindHost === '0.0.0.0' || bindHost === '::' ? hostname() : bindHost
}

export function startOpsInstrumentation(): void {
  if (g[STARTED]) return
  g[STARTED] = true
  const publisher = snapshotPublisher({ role: 'web', replica: replicaStatus })
  startHttpTiming({
    routeOf: routeNamerForBuild(env.NEXT_DIST_DIR),
    onListening: (port) => {
      const address = `${reachableHost(env.BIND_HOST)}:${port}`
      publisher.setUrl(`http://${address}`)
      publisher.listening(address)
    },
  })
  publisher.start()
  if (!metrics.registry.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics({ register: metrics.registry })
}
