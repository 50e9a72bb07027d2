/**
 * The one place counters and histograms live (prom-client). Every instrument is created
 * once per process and kept on globalThis: Next bundles routes separately, and a module
 * instantiated twice would otherwise split the figures between two registries.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client'

function createMetrics() {
  const registry = new Registry()
  return {
    registry,
    /** Cache events per layer (`redis`, `next`, `memory`): hit, miss, stale, fill, error. */
    cacheEvents: new Counter({
      name: 'storefront_cache_events_total',
      help: 'Cache lookups and fills by layer and outcome',
      labelNames: ['layer', 'event'] as const,
      registers: [registry],
    }),
    /** Every statement or transaction sent to PostgreSQL through the app's pool. */
    dbQueries: new Counter({
      name: 'storefront_db_queries_total',
      help: 'Statements sent to PostgreSQL by this process',
      registers: [registry],
    }),
    rateLimitBlocks: new Counter({
      name: 'storefront_ratelimit_blocks_total',
      help: 'Requests refused by a rate-limit policy',
      labelNames: ['policy', 'reason'] as const,
      registers: [registry],
    }),
    checkoutResults: new Counter({
      name: 'storefront_checkout_results_total',
      help: 'Checkout outcomes',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    inventoryConflicts: new Counter({
      name: 'storefront_inventory_version_conflicts_total',
      help: 'Optimistic version conflicts met while taking stock (each one a retry)',
      registers: [registry],
    }),
    checkoutSeconds: new Histogram({
      name: 'storefront_checkout_seconds',
      help: 'Checkout service time',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    hotBatchSize: new Histogram({
      name: 'storefront_hot_sku_batch_size',
      help: 'Buyers folded into one versioned UPDATE on a hot SKU',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers: [registry],
    }),
    up: new Gauge({ name: 'storefront_up', help: 'Process is serving', registers: [registry] }),
  }
}

export type Metrics = ReturnType<typeof createMetrics>

const globalForMetrics = globalThis as unknown as { __storefrontMetrics?: Metrics }

export const metrics: Metrics = (globalForMetrics.__storefrontMetrics ??= createMetrics())
metrics.up.set(1)
