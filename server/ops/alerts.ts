/**
 * Thresholds for the leading indicators on /ops. Each one that is crossed turns its panel
 * red with the reason and a link to the runbook section that says which lever to pull
 * (docs/RUNBOOK.md, served at /ops/runbook). Measured over the last minute, shopper-facing
 * endpoints only (the dashboard's own calls and static assets are left out).
 */
import type { FleetFigures } from './fleet-figures'
import { isOpsEndpoint } from './fleet-figures'
import { RUNBOOK_SECTIONS as RB, type RunbookSection } from './runbook-sections'

export const THRESHOLDS = {
  /** p99 of any shopper-facing endpoint with at least MIN_REQUESTS in the minute. */
  p99Ms: 1_000,
  /** Unexpected 5xx share of all shopper requests. */
  serverErrorRate: 0.01,
  /** Intended 429/503 share: some shedding is the plan working, this much means shoppers notice. */
  shedRate: 0.1,
  /** Payment jobs due and waiting. */
  queueReady: 500,
  /** Wait of the oldest due payment job. */
  queueAgeSeconds: 30,
  /** Event-loop p99 of any live instance: it is CPU bound. */
  eventLoopP99Ms: 200,
  /** Redis data-cache hit ratio (below this PostgreSQL takes the reads). */
  redisHitRatio: 0.8,
  /** Read replica replay lag, the largest any instance measured (REPLICA_MAX_LAG_MS's default: past it, reads fall back). */
  replicaLagMs: 1_000,
} as const

/** Below this many requests in the minute an endpoint's p99 is noise, not a signal. */
export const MIN_REQUESTS = 20

export type Panel = 'latency' | 'errors' | 'queue' | 'cache' | 'instances' | 'redis' | 'replica'

export interface Alert {
  id: string
  panel: Panel
  reason: string
  /** Section of docs/RUNBOOK.md (and /ops/runbook). */
  runbook: RunbookSection
}

export interface AlertInputs {
  figures: FleetFigures
  queue: { ready: number; oldestReadySeconds: number } | null
  redis: 'up' | 'down'
  liveInstanceIds: ReadonlySet<string>
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`

export function evaluateAlerts({ figures, queue, redis, liveInstanceIds }: AlertInputs): Alert[] {
  const alerts: Alert[] = []
  if (redis === 'down') {
    alerts.push({ id: 'redis-down', panel: 'redis', reason: 'Redis is not answering: figures are this instance only, levers keep the last values this instance read', runbook: RB.redisDown })
  }
  for (const e of figures.endpoints) {
    const w = e.windows['1m']
    if (e.kind === 'asset' || isOpsEndpoint(e.endpoint) || w.count < MIN_REQUESTS) continue
    if (w.p99Ms > THRESHOLDS.p99Ms) {
      alerts.push({
        id: `p99:${e.endpoint}`,
        panel: 'latency',
        reason: `p99 of ${e.endpoint} is ${Math.round(w.p99Ms)} ms over the last minute (threshold ${THRESHOLDS.p99Ms} ms)`,
        runbook: RB.p99,
      })
    }
  }
  const total = figures.totals['1m']
  if (total.count >= MIN_REQUESTS && total.serverErrorRate > THRESHOLDS.serverErrorRate) {
    alerts.push({
      id: 'server-errors',
      panel: 'errors',
      reason: `${pct(total.serverErrorRate)} of requests failed with an unexpected 5xx in the last minute (threshold ${pct(THRESHOLDS.serverErrorRate)})`,
      runbook: RB.errorRate,
    })
  }
  if (total.count >= MIN_REQUESTS && total.shedRate > THRESHOLDS.shedRate) {
    alerts.push({
      id: 'shedding',
      panel: 'errors',
      reason: `${pct(total.shedRate)} of requests were shed (429/503) in the last minute (threshold ${pct(THRESHOLDS.shedRate)})`,
      runbook: RB.shedding,
    })
  }
  if (queue && queue.ready > THRESHOLDS.queueReady) {
    alerts.push({ id: 'queue-depth', panel: 'queue', reason: `${queue.ready} payment jobs are waiting (threshold ${THRESHOLDS.queueReady})`, runbook: RB.queueDepth })
  }
  if (queue && queue.oldestReadySeconds > THRESHOLDS.queueAgeSeconds) {
    alerts.push({
      id: 'queue-age',
      panel: 'queue',
      reason: `The oldest payment job has waited ${Math.round(queue.oldestReadySeconds)} s (threshold ${THRESHOLDS.queueAgeSeconds} s)`,
      runbook: RB.queueAge,
    })
  }
  const redisRatio = figures.cache['1m'].redis
  if (redisRatio.ratio !== null && redisRatio.hits + redisRatio.misses >= MIN_REQUESTS && redisRatio.ratio < THRESHOLDS.redisHitRatio) {
    alerts.push({
      id: 'cache-hit-ratio',
      panel: 'cache',
      reason: `Redis cache hit ratio is ${pct(redisRatio.ratio)} over the last minute (threshold ${pct(THRESHOLDS.redisHitRatio)})`,
      runbook: RB.cacheHitRatio,
    })
  }
  const replica = figures.replica
  if (replica.lagMs !== null && replica.lagMs > THRESHOLDS.replicaLagMs) {
    alerts.push({
      id: 'replica-lag',
      panel: 'replica',
      reason: `Read replica lag is ${Math.round(replica.lagMs)} ms (threshold ${THRESHOLDS.replicaLagMs} ms): catalog pages may show old data`,
      runbook: RB.replicaLag,
    })
  }
  const fallingBack = replica.instances['primary-fallback']
  if (fallingBack > 0) {
    alerts.push({
      id: 'replica-fallback',
      panel: 'replica',
      reason: `${fallingBack} instance${fallingBack === 1 ? '' : 's'} send catalog reads to the primary instead of the replica (${replica.reason ?? 'replica not usable'})`,
      runbook: RB.replicaLag,
    })
  }
  for (const i of figures.instances) {
    if (liveInstanceIds.has(i.id) && i.eventLoopP99Ms > THRESHOLDS.eventLoopP99Ms) {
      alerts.push({
        id: `event-loop:${i.id}`,
        panel: 'instances',
        reason: `Instance ${i.id} has an event-loop p99 of ${Math.round(i.eventLoopP99Ms)} ms (threshold ${THRESHOLDS.eventLoopP99Ms} ms)`,
        runbook: RB.eventLoop,
      })
    }
  }
  return alerts
}
