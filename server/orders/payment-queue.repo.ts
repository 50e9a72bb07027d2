/**
 * The payment jobs in graphile-worker's tables, through its public SQL API only
 * (`add_job`, `remove_job`, `force_unlock_workers` and the `graphile_worker.jobs` view).
 * Every payment job carries `job_key = orderId`, so an order has at most one live job.
 * This file is the one owner of the queue's SQL: checkout enqueues through
 * orders.service.ts `enqueuePayments`, retries and the sweeper through `schedulePaymentJob`.
 */
import type pg from 'pg'
import { pool } from '../platform/db'
import type { DbClient } from '../platform/transaction'

export const PAYMENT_TASK = 'payment.charge'
/** graphile-worker retries a failing job with exponential backoff up to this many attempts. */
export const PAYMENT_JOB_MAX_ATTEMPTS = 8

/** The payment job's payload: the order, and which charge attempt this run makes (1-based). */
export interface PaymentJobPayload {
  orderId: string
  attempt?: number
}

/** One job to add: the order, the attempt it makes (absent: the first) and when (absent: now). */
export interface PaymentJobSpec {
  orderId: string
  attempt?: number
  runAt?: Date
}

/**
 * Adds (or re-schedules) one payment job per order with ONE statement, through `executor`:
 * the caller's transaction at checkout (no order without a job, no job without an order), the
 * pool otherwise. The job key is the order id, so a job can never be doubled: while a run
 * holds the job, add_job moves the key to a new job (the running one completes and is
 * deleted); otherwise it replaces the queued one.
 */
export async function addPaymentJobs(jobs: PaymentJobSpec[], executor: DbClient | pg.Pool = pool): Promise<void> {
  if (jobs.length === 0) return
  await executor.query(
    `SELECT graphile_worker.add_job($1, json_strip_nulls(json_build_object('orderId', j.id, 'attempt', j.attempt)),
                                    run_at := coalesce(j.run_at, now()), max_attempts := $2, job_key := j.id)
       FROM unnest($3::text[], $4::int[], $5::timestamptz[]) AS j(id, attempt, run_at)`,
    [PAYMENT_TASK, PAYMENT_JOB_MAX_ATTEMPTS, jobs.map((j) => j.orderId), jobs.map((j) => j.attempt ?? null), jobs.map((j) => j.runAt ?? null)],
  )
}

/** (Re)schedules the order's payment job for its `attempt` at `runAt` (see {@link addPaymentJobs}). */
export async function schedulePaymentJob(orderId: string, attempt: number, runAt: Date): Promise<void> {
  await addPaymentJobs([{ orderId, attempt, runAt }])
}

export interface StuckOrder {
  orderId: string
  jobId: string | null
  jobLockedAt: Date | null
  jobCreatedAt: Date | null
}

/**
 * Orders still PENDING_PAYMENT that were placed before `placedBefore`, oldest first, each
 * with its payment job if it still has one.
 */
export async function findStuckOrders(placedBefore: Date, limit: number): Promise<StuckOrder[]> {
  const { rows } = await pool.query<StuckOrder>(
    `SELECT o.id AS "orderId", j.id::text AS "jobId", j.locked_at AS "jobLockedAt", j.created_at AS "jobCreatedAt"
       FROM "Order" o
       LEFT JOIN graphile_worker.jobs j ON j.key = o.id::text AND j.task_identifier = $3
      WHERE o.status = 'PENDING_PAYMENT' AND o."createdAt" < $1
      ORDER BY o."createdAt"
      LIMIT $2`,
    [placedBefore, limit, PAYMENT_TASK],
  )
  return rows
}

/**
 * Unlocks every job held by a worker pool that has held some job since before
 * `lockedBefore` (a pool that died: graphile-worker itself only frees such locks after
 * 4 hours). `livePools` (this process's own) are never touched. Returns the pools freed.
 */
export async function unlockDeadPools(lockedBefore: Date, livePools: string[]): Promise<string[]> {
  const { rows } = await pool.query<{ locked_by: string }>(
    `SELECT DISTINCT locked_by FROM graphile_worker.jobs
      WHERE locked_at < $1 AND locked_by IS NOT NULL AND NOT (locked_by = ANY($2::text[]))`,
    [lockedBefore, livePools],
  )
  const dead = rows.map((r) => r.locked_by)
  if (dead.length > 0) await pool.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [dead])
  return dead
}

/**
 * Deletes the order's job unless a worker is running it right now. True when it was
 * deleted (nobody will run it again); false when it is running or already gone.
 */
export async function removeIdleJob(orderId: string): Promise<boolean> {
  const { rows } = await pool.query<{ id: string | null; locked_at: Date | null }>(
    'SELECT id::text, locked_at FROM graphile_worker.remove_job($1)',
    [orderId],
  )
  const row = rows[0]
  return row?.id != null && row.locked_at === null
}

/**
 * Deletes payment jobs that were superseded: a retry scheduled while a run held the job
 * moves the key to a new job and marks the old one exhausted; if that run then died, the
 * old job is left behind, keyless and never to run again. Returns how many went.
 */
export async function dropSupersededJobs(): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM graphile_worker.complete_jobs(ARRAY(
       SELECT id FROM graphile_worker.jobs
        WHERE task_identifier = $1 AND key IS NULL AND locked_at IS NULL AND attempts >= max_attempts))`,
    [PAYMENT_TASK],
  )
  return rows[0]?.n ?? 0
}

export interface QueueCounts {
  ready: number
  scheduled: number
  running: number
  failed: number
  oldestReadySeconds: number
}

/** Jobs by state and the wait of the oldest due one (one scan of the jobs table). */
export async function queueCounts(): Promise<QueueCounts> {
  const { rows } = await pool.query<{ ready: string; scheduled: string; running: string; failed: string; oldest: number | null }>(
    `SELECT count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts AND run_at <= now()) AS ready,
            count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts AND run_at > now()) AS scheduled,
            count(*) FILTER (WHERE locked_at IS NOT NULL) AS running,
            count(*) FILTER (WHERE locked_at IS NULL AND attempts >= max_attempts) AS failed,
            EXTRACT(EPOCH FROM now() - min(run_at) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts AND run_at <= now()))::float8 AS oldest
       FROM graphile_worker.jobs`,
  )
  const r = rows[0]!
  return { ready: Number(r.ready), scheduled: Number(r.scheduled), running: Number(r.running), failed: Number(r.failed), oldestReadySeconds: r.oldest ?? 0 }
}
