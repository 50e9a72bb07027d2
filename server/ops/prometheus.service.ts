/** Prometheus exposition for /api/metrics (and the worker's own port), guarded by METRICS_TOKEN (Bearer). */
import { timingSafeEqual } from 'node:crypto'
import { Registry } from 'prom-client'
import { env } from '../env'
import { metrics } from '../platform/metrics'
import { registerRequestCounters } from './request-prometheus'

export type MetricsAnswer = { status: 200; body: string; contentType: string } | { status: 401 | 404; body: string }

/**
 * This process's registry (plus its per-endpoint request counters), and `extra` registries
 * (the web instances add the fleet-wide figures, server/ops/fleet-prometheus.ts).
 */
export async function prometheusText(authorization: string | null, extra: Registry[] = []): Promise<MetricsAnswer> {
  if (!env.METRICS_TOKEN) return { status: 404, body: 'metrics endpoint disabled (METRICS_TOKEN unset)' }
  const expected = Buffer.from(`Bearer ${env.METRICS_TOKEN}`)
  const given = Buffer.from(authorization ?? '')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { status: 401, body: 'unauthorized' }
  registerRequestCounters()
  const registry = extra.length ? Registry.merge([metrics.registry, ...extra]) : metrics.registry
  return { status: 200, body: await registry.metrics(), contentType: metrics.registry.contentType }
}
