/**
 * The one place counters and histograms live (prom-client). Every instrument is created
 * once per process and kept on globalThis: Next bundles routes separately, and a module
 * instantiated twice would otherwise split the figures between two registries.
 */
import { build as buildHdr } from 'hdr-histogram-js'
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
    inventoryRetries: new Counter({
      name: 'storefront_inventory_stock_retries_total',
      help: 'Sales whose stock guard (stock >= q) refused because others took units meanwhile (each one a re-read)',
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
      help: 'Buyers folded into one guarded stock UPDATE on a hot SKU',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers: [registry],
    }),
    up: new Gauge({ name: 'storefront_up', help: 'Process is serving', registers: [registry] }),
    /** Catalog reads by where they went: `replica`, or `primary` (no replica, or it lags: see catalogFallbackReads). */
    catalogReads: new Counter({
      name: 'storefront_catalog_reads_total',
      help: 'Catalog reads (listings, product records, search, pre-warm) by the database that served them',
      labelNames: ['target'] as const,
      registers: [registry],
    }),
    /** The part of `target="primary"` catalog reads that went there although a replica is configured (it lags or does not answer). */
    catalogFallbackReads: new Counter({
      name: 'storefront_catalog_fallback_reads_total',
      help: 'Catalog reads served by the primary because the configured read replica lags or does not answer (included in storefront_catalog_reads_total{target="primary"})',
      registers: [registry],
    }),
    /** Replay lag of the read replica as this process last measured it (absent: no replica). */
    replicaLagSeconds: new Gauge({
      name: 'storefront_replica_lag_seconds',
      help: 'Read replica replay lag measured by this process (-1: replica unreachable)',
      registers: [registry],
    }),

    // ── Job queue and payments (set by the worker process, server/orders/) ──────────
    /** Jobs in the queue by state: ready (due now), scheduled (future run_at), running (locked), failed (attempts exhausted). */
    queueJobs: new Gauge({
      name: 'storefront_queue_jobs',
      help: 'Jobs in the graphile-worker queue by state (sampled)',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    /** How long the oldest due job has waited (0 when none is waiting): the queue's latency. */
    queueOldestJobSeconds: new Gauge({
      name: 'storefront_queue_oldest_job_age_seconds',
      help: 'Age of the oldest due, unstarted job (sampled)',
      registers: [registry],
    }),
    /** Finished job runs by task and outcome; jobs/s = rate() of this counter. */
    jobsProcessed: new Counter({
      name: 'storefront_jobs_processed_total',
      help: 'Job runs finished by this worker, by task and outcome (success, error)',
      labelNames: ['task', 'outcome'] as const,
      registers: [registry],
    }),
    /** One charge request to the payment provider, by outcome (succeeded, declined, timeout, unavailable). */
    paymentSeconds: new Histogram({
      name: 'storefront_payment_seconds',
      help: 'Payment provider charge latency as our worker saw it',
      labelNames: ['outcome'] as const,
      buckets: [0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4],
      registers: [registry],
    }),
    /** Exact percentiles of the same latency (ms) for logs, the bench and the ops dashboard. */
    paymentLatencyMs: buildHdr({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000, numberOfSignificantValueDigits: 3 }),
    paymentRetries: new Counter({
      name: 'storefront_payment_retries_total',
      help: 'Charge attempts rescheduled after a transient provider error',
      registers: [registry],
    }),
    /** Orders settled by the worker: paid, or failed with a reason (declined, exhausted, swept). */
    ordersSettled: new Counter({
      name: 'storefront_orders_settled_total',
      help: 'Orders moved out of PENDING_PAYMENT, by final status and reason',
      labelNames: ['status', 'reason'] as const,
      registers: [registry],
    }),
    /** PURGE requests this process sent to an edge (server/edge/edge-purge.ts), by edge and outcome (purged, failed). */
    edgePurges: new Counter({
      name: 'storefront_edge_purges_total',
      help: 'Surrogate-key purges sent to the edge caches, by edge and outcome',
      labelNames: ['edge', 'outcome'] as const,
      registers: [registry],
    }),
    /** The waiting room (server/waiting-room): places given, admissions, places abandoned, sellouts told. */
    waitingRoomQueued: new Counter({
      name: 'storefront_waiting_room_queued_total',
      help: 'Checkouts given a place in the waiting room line',
      registers: [registry],
    }),
    waitingRoomAdmitted: new Counter({
      name: 'storefront_waiting_room_admitted_total',
      help: 'Places admitted from the waiting room line to checkout',
      registers: [registry],
    }),
    waitingRoomAbandoned: new Counter({
      name: 'storefront_waiting_room_abandoned_total',
      help: 'Places that left the line without checking out (expired: not polled in time; left: the shopper left)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    waitingRoomSoldOut: new Counter({
      name: 'storefront_waiting_room_sold_out_while_waiting_total',
      help: 'Places released because every item sold out while the shopper waited',
      registers: [registry],
    }),
    waitingRoomWaitSeconds: new Histogram({
      name: 'storefront_waiting_room_wait_seconds',
      help: 'Time from first seen to admission, per admitted place',
      buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200],
      registers: [registry],
    }),
    waitingRoomLineLength: new Gauge({
      name: 'storefront_waiting_room_line_length',
      help: 'Shoppers in the waiting room line (fleet wide), as this process last saw it',
      registers: [registry],
    }),
    sweeperActions: new Counter({
      name: 'storefront_sweeper_actions_total',
      help: 'What the stuck-order sweeper did (unlocked, requeued, paid, failed)',
      labelNames: ['action'] as const,
      registers: [registry],
    }),
  }
}

/** p50/p95/p99/max of the payment latency recorder, in ms (0 when nothing was recorded). */
export function paymentLatencyPercentiles(): { count: number; p50: number; p95: number; p99: number; max: number } {
  const h = metrics.paymentLatencyMs
  return {
    count: h.totalCount,
    p50: h.getValueAtPercentile(50),
    p95: h.getValueAtPercentile(95),
    p99: h.getValueAtPercentile(99),
    max: h.maxValue,
  }
}

export type Metrics = ReturnType<typeof createMetrics>

const globalForMetrics = globalThis as unknown as { __storefrontMetrics?: Metrics }

export const metrics: Metrics = (globalForMetrics.__storefrontMetrics ??= createMetrics())
metrics.up.set(1)
