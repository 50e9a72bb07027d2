/**
 * Once a second during the drill: the payment queue's depth (graphile_worker.jobs) and the
 * orders by state, straight from PostgreSQL (the drill does not depend on the ops dashboard).
 */
import type pg from 'pg'

export const PAYMENT_TASK = 'payment.charge'

export interface QueueSample {
  /** Wall clock. */
  at: number
  ready: number
  scheduled: number
  running: number
  pending: number
  paid: number
  failed: number
}

export async function sampleQueue(pool: pg.Pool): Promise<QueueSample> {
  const at = Date.now()
  const [jobs, orders] = await Promise.all([
    pool.query<{ ready: number; scheduled: number; running: number }>(
      `SELECT count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts AND run_at <= now())::int AS ready,
              count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts AND run_at > now())::int AS scheduled,
              count(*) FILTER (WHERE locked_at IS NOT NULL)::int AS running
         FROM graphile_worker.jobs WHERE task_identifier = $1`,
      [PAYMENT_TASK],
    ),
    pool.query<{ pending: number; paid: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE status = 'PENDING_PAYMENT')::int AS pending,
              count(*) FILTER (WHERE status = 'PAID')::int AS paid,
              count(*) FILTER (WHERE status = 'FAILED')::int AS failed
         FROM "Order"`,
    ),
  ])
  return { at, ...jobs.rows[0]!, ...orders.rows[0]! }
}

export interface QueueSampler {
  samples: QueueSample[]
  stop(): Promise<void>
}

export function startQueueSampler(pool: pg.Pool, everyMs = 1_000): QueueSampler {
  const samples: QueueSample[] = []
  let running: Promise<void> = Promise.resolve()
  const timer = setInterval(() => {
    running = sampleQueue(pool).then(
      (s) => void samples.push(s),
      () => {},
    )
  }, everyMs)
  return {
    samples,
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
