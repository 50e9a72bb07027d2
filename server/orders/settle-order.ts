/**
 * Settling an order after its payment: PAID, or FAILED with its stock released exactly
 * once. The release is a guarded UPDATE (status and `stockReleasedAt` checked and set in
 * one statement) followed by atomic stock increments in the same transaction, so a job
 * that runs twice, a retry racing the sweeper, or a crash between the two statements can
 * never give the same units back twice, nor leave an order FAILED with its stock held.
 */
import { invalidateProductStock } from '../catalog/catalog.service'
import { releaseStock } from '../inventory/inventory.service'
import { reopenSoldOutGates } from '../inventory/sold-out-gate'
import { withTransaction } from '../platform/transaction'
import { logger } from '../platform/logger'
import { metrics } from '../platform/metrics'
import type { Charge } from '../payments/payment-provider'
import { findOrderToCharge, markFailedForRelease, markPaid, orderLines } from './settlement.repo'

export type FailureCause = 'declined' | 'exhausted' | 'swept'

const DECLINE_TEXT: Record<string, string> = {
  card_declined: 'your card was declined',
  insufficient_funds: 'your card has insufficient funds',
  expired_card: 'your card has expired',
  do_not_honor: 'your bank declined the payment',
}

/** What the shopper reads on the order page (Order.failureReason). */
export const failureReasons = {
  declined: (code: string | null) =>
    `Payment declined: ${DECLINE_TEXT[code ?? ''] ?? 'the payment was declined'}. You have not been charged and the items are back in stock.`,
  exhausted: (attempts: number) =>
    `We could not reach the payment provider (${attempts} attempts). You have not been charged and the items are back in stock.`,
  swept: () => 'Payment did not complete in time. You have not been charged and the items are back in stock.',
}

/** What settling did: paid, failed (declined / voided), or nothing because it was settled already. */
export type Settlement = 'paid' | 'declined' | 'voided' | 'already-settled'

const log = logger.child({ module: 'settle-order' })

/** True when this call moved the order to PAID; false when it was already settled. */
export async function settlePaid(orderId: string): Promise<boolean> {
  const changed = await markPaid(orderId)
  if (changed) metrics.ordersSettled.inc({ status: 'PAID', reason: 'charged' })
  return changed
}

/**
 * True when this call failed the order and released its stock; false when the order was
 * already settled (someone else released it, or it was paid).
 */
export async function settleFailed(orderId: string, cause: FailureCause, reason: string): Promise<boolean> {
  const released = await withTransaction(async (client) => {
    if (!(await markFailedForRelease(client, orderId, reason))) return null
    const lines = await orderLines(client, orderId)
    return { lines, restocked: await releaseStock(client, lines) }
  })
  if (!released) return false
  metrics.ordersSettled.inc({ status: 'FAILED', reason: cause })
  log.info({ orderId, cause, units: released.lines.reduce((n, l) => n + l.quantity, 0) }, 'order failed; stock released')
  // Buyers must not be refused by a sold-out gate, nor see a stale stock badge, for units back on the shelf.
  await Promise.all([reopenSoldOutGates(released.restocked), ...released.restocked.map((r) => invalidateProductStock(r.productId))])
  return true
}

/**
 * Settles the order from the outcome that stands at the provider: SUCCEEDED → PAID;
 * DECLINED → FAILED (decline reason); VOIDED (never charged) → FAILED with `voided`'s cause.
 */
export async function settleFromCharge(charge: Charge, voided: { cause: FailureCause; reason: string }): Promise<Settlement> {
  const { orderId } = charge
  if (charge.status === 'SUCCEEDED') {
    if (await settlePaid(orderId)) return 'paid'
    const current = await findOrderToCharge(orderId)
    if (current?.status === 'FAILED') log.error({ orderId }, 'order was charged but is FAILED: refund needed')
    return 'already-settled'
  }
  if (charge.status === 'DECLINED') {
    return (await settleFailed(orderId, 'declined', failureReasons.declined(charge.declineCode))) ? 'declined' : 'already-settled'
  }
  return (await settleFailed(orderId, voided.cause, voided.reason)) ? 'voided' : 'already-settled'
}
