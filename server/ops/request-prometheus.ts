/**
 * This process's per-endpoint request counts on the Prometheus registry, as counters
 * (`storefront_requests_total{endpoint, outcome}`). Read from the recorder at scrape time,
 * so the request path pays nothing for Prometheus (prom-client's own `inc` with labels
 * hashes the label set on every call).
 */
import { Counter, type Registry } from 'prom-client'
import { metrics } from '../platform/metrics'
import { requestStats } from '../platform/request-stats'

export const REQUESTS_TOTAL = 'storefront_requests_total'

export function registerRequestCounters(registry: Registry = metrics.registry): void {
  if (registry.getSingleMetric(REQUESTS_TOTAL)) return
  new Counter({
    name: REQUESTS_TOTAL,
    help: 'Requests served by this process, per endpoint (tRPC procedure or route) and outcome (ok, client, shed, server)',
    labelNames: ['endpoint', 'outcome'] as const,
    registers: [registry],
    collect() {
      this.reset()
      for (const t of requestStats.totals()) {
        const outcomes = { ok: t.count - t.client - t.shed - t.server, client: t.client, shed: t.shed, server: t.server }
        for (const [outcome, n] of Object.entries(outcomes)) if (n > 0) this.inc({ endpoint: t.endpoint, outcome }, n)
      }
    },
  })
}
