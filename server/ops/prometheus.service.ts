/** Prometheus exposition for /api/metrics, guarded by METRICS_TOKEN (Bearer). */
import { timingSafeEqual } from 'node:crypto'
import { env } from '../env'
import { metrics } from '../platform/metrics'

export type MetricsAnswer = { status: 200; body: string; contentType: string } | { status: 401 | 404; body: string }

export async function prometheusText(authorization: string | null): Promise<MetricsAnswer> {
  if (!env.METRICS_TOKEN) return { status: 404, body: 'metrics endpoint disabled (METRICS_TOKEN unset)' }
  const expected = Buffer.from(`Bearer ${env.METRICS_TOKEN}`)
  const given = Buffer.from(authorization ?? '')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { status: 401, body: 'unauthorized' }
  return { status: 200, body: await metrics.registry.metrics(), contentType: metrics.registry.contentType }
}
