/**
 * One run of an order's payment job: charge with the order id as the idempotency key, then
 * settle the order.
 *  - success → PAID;
 *  - permanent decline → FAILED, stock released (exactly once: settle-order.ts);
 *  - transient error (timeout, 5xx) → the job reschedules itself with exponential backoff
 *    and full jitter (retry-backoff.ts) until PAYMENT_MAX_ATTEMPTS, then voids the payment
 *    at the provider, which says whether an attempt went through after all: PAID if so,
 *    FAILED + released if not (and no attempt still in flight can charge later);
 *  - the order is gone → logged and dropped (no retry can bring it back);
 *  - the order is already settled (a duplicate run) → nothing.
 * Anything else (the database is down, …) is thrown, and graphile-worker retries the job
 * with its own backoff; the sweeper resolves an order whose job gives up.
 */
import { env } from '../env'
import { logger } from '../platform/logger'
import { metrics } from '../platform/metrics'
import { TransientPaymentError, type Charge, type PaymentProvider } from '../payments/payment-provider'
import { withProviderDeadline } from '../payments/provider-deadline'
import { paymentProvider } from '../payments/provider'
import { schedulePaymentJob } from './payment-queue.repo'
import { retryDelayMs } from './retry-backoff'
import { failureReasons, settleFromCharge, type Settlement } from './settle-order'
import { findOrderToCharge } from './settlement.repo'

/** What one run did; `voided`: failed after the payment was voided (retries exhausted). */
export type ChargeOutcome = Settlement | 'retry-scheduled' | 'dropped-missing'

export interface ChargeOrderDeps {
  provider: PaymentProvider
  maxAttempts: number
  timeoutMs: number
  /** Delay before attempt `attempt + 1`. */
  backoffMs: (attempt: number) => number
  now: () => Date
}

export function defaultChargeDeps(): ChargeOrderDeps {
  return {
    provider: paymentProvider,
    maxAttempts: env.PAYMENT_MAX_ATTEMPTS,
    timeoutMs: env.PAYMENT_TIMEOUT_MS,
    backoffMs: (attempt) => retryDelayMs(attempt, { baseMs: env.PAYMENT_RETRY_BASE_MS, maxMs: env.PAYMENT_RETRY_MAX_MS }),
    now: () => new Date(),
  }
}

const log = logger.child({ module: 'charge-order' })

export async function chargeOrder(job: { orderId: string; attempt: number }, deps: ChargeOrderDeps = defaultChargeDeps()): Promise<ChargeOutcome> {
  const { orderId, attempt } = job
  const order = await findOrderToCharge(orderId)
  if (!order) {
    log.warn({ orderId }, 'payment job for an order that does not exist: dropped')
    return 'dropped-missing'
  }
  if (order.status !== 'PENDING_PAYMENT') return 'already-settled'

  let charge: Charge
  const request = { orderId, amountCents: order.totalCents, currency: order.currency }
  const started = performance.now()
  try {
    charge = await withProviderDeadline(deps.provider.charge(request), deps.timeoutMs)
    observe(started, charge.status.toLowerCase())
  } catch (error) {
    if (!(error instanceof TransientPaymentError)) throw error
    observe(started, error.kind)
    if (attempt < deps.maxAttempts) {
      const delay = deps.backoffMs(attempt)
      await schedulePaymentJob(orderId, attempt + 1, new Date(deps.now().getTime() + delay))
      metrics.paymentRetries.inc()
      log.debug({ orderId, attempt, delayMs: Math.round(delay), kind: error.kind }, 'transient payment error: retry scheduled')
      return 'retry-scheduled'
    }
    // Out of attempts. Close the payment at the provider: a timed-out attempt may still have
    // charged (then the order is paid after all), and none still in flight may charge later.
    const standing = await withProviderDeadline(deps.provider.voidCharge(request), deps.timeoutMs)
    return settleFromCharge(standing, { cause: 'exhausted', reason: failureReasons.exhausted(attempt) })
  }
  // (A VOIDED answer: an earlier run or the sweeper gave up on this order already.)
  return settleFromCharge(charge, { cause: 'swept', reason: failureReasons.swept() })
}

function observe(started: number, outcome: string): void {
  const ms = performance.now() - started
  metrics.paymentSeconds.observe({ outcome }, ms / 1000)
  metrics.paymentLatencyMs.recordValue(Math.max(1, Math.round(ms)))
}
