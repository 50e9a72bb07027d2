/**
 * The sweeper: no order keeps its stock locked because its payment died. Each sweep
 *  1. unlocks the jobs of worker pools that died holding them (a job locked longer than
 *     WORKER_JOB_LEASE_MS; graphile-worker itself would wait 4 hours), so they run again,
 *     and deletes the superseded payment jobs such a death can leave behind;
 *  2. looks at orders PENDING_PAYMENT for longer than ORDER_STUCK_AFTER_MS:
 *     - no payment job at all → re-queued (charging is idempotent, so this is always safe);
 *     - a job that is not running and was itself queued longer than that ago (given up
 *       after its attempts, or stuck behind graphile-worker's retries) → the job is removed
 *       and the payment voided at the provider, whose answer settles the order: PAID if a
 *       charge went through, otherwise FAILED with its stock released (exactly once,
 *       settle-order.ts) and no charge possible any more;
 *     - a job running now, or queued recently → left alone.
 * Every step is a guarded statement, so sweeps in several worker processes at once are safe.
 */
import { env } from '../env'
import { logger } from '../platform/logger'
import { metrics } from '../platform/metrics'
import type { PaymentProvider } from '../payments/payment-provider'
import { withProviderDeadline } from '../payments/provider-deadline'
import { paymentProvider } from '../payments/provider'
import { dropSupersededJobs, findStuckOrders, removeIdleJob, schedulePaymentJob, unlockDeadPools } from './payment-queue.repo'
import { failureReasons, settleFromCharge } from './settle-order'
import { findOrderToCharge } from './settlement.repo'

/** Orders handled per sweep (the rest wait for the next one). */
export const SWEEP_BATCH = 200

export interface SweepOptions {
  now?: Date
  stuckAfterMs?: number
  leaseMs?: number
  /** Worker pools of this process: alive by definition, never unlocked. */
  livePools?: string[]
  provider?: PaymentProvider
}

export interface SweepResult {
  unlockedPools: number
  requeued: number
  paid: number
  failed: number
}

const log = logger.child({ module: 'sweeper' })

export async function sweepStuckOrders(opts: SweepOptions = {}): Promise<SweepResult> {
  const now = opts.now ?? new Date()
  const stuckAfterMs = opts.stuckAfterMs ?? env.ORDER_STUCK_AFTER_MS
  const provider = opts.provider ?? paymentProvider
  const result: SweepResult = { unlockedPools: 0, requeued: 0, paid: 0, failed: 0 }

  const dead = await unlockDeadPools(new Date(now.getTime() - (opts.leaseMs ?? env.WORKER_JOB_LEASE_MS)), opts.livePools ?? [])
  if (dead.length > 0) {
    result.unlockedPools = dead.length
    metrics.sweeperActions.inc({ action: 'unlocked' }, dead.length)
    log.warn({ pools: dead }, 'unlocked the jobs of dead worker pools')
  }

  const dropped = await dropSupersededJobs()
  if (dropped > 0) metrics.sweeperActions.inc({ action: 'dropped-superseded' }, dropped)

  const stuckBefore = new Date(now.getTime() - stuckAfterMs)
  for (const order of await findStuckOrders(stuckBefore, SWEEP_BATCH)) {
    if (order.jobId === null) {
      await schedulePaymentJob(order.orderId, 1, now)
      result.requeued++
      metrics.sweeperActions.inc({ action: 'requeued' })
      log.warn({ orderId: order.orderId }, 'pending order had no payment job: re-queued')
      continue
    }
    if (order.jobLockedAt !== null || (order.jobCreatedAt !== null && order.jobCreatedAt >= stuckBefore)) continue
    if (!(await removeIdleJob(order.orderId))) continue // picked up by a worker just now
    try {
      const details = await findOrderToCharge(order.orderId)
      if (!details || details.status !== 'PENDING_PAYMENT') continue
      const request = { orderId: details.id, amountCents: details.totalCents, currency: details.currency }
      const standing = await withProviderDeadline(provider.voidCharge(request), env.PAYMENT_TIMEOUT_MS)
      const settled = await settleFromCharge(standing, { cause: 'swept', reason: failureReasons.swept() })
      if (settled === 'paid') result.paid++
      else if (settled !== 'already-settled') result.failed++
      metrics.sweeperActions.inc({ action: settled === 'paid' ? 'paid' : 'failed' })
    } catch (error) {
      // The provider could not answer: give the order its job back and try again later.
      await schedulePaymentJob(order.orderId, 1, now)
      log.warn({ err: error, orderId: order.orderId }, 'could not resolve a stuck order; re-queued')
    }
  }
  if (result.requeued + result.paid + result.failed > 0) log.info(result, 'sweep resolved stuck orders')
  return result
}
