/**
 * Shopper-facing order reads (an order is visible only to the session that placed it), and
 * the payment job every new order gets.
 */
import { domainToUnicode } from 'node:url'
import { AppError } from '../platform/errors'
import type { DbClient } from '../platform/transaction'
import * as repo from './orders.repo'
import { addPaymentJobs } from './payment-queue.repo'
import type { OrderView } from './orders.schema'

export async function getOrder(orderId: string, sessionId: string): Promise<OrderView> {
  const order = await repo.findOrderForSession(orderId, sessionId)
  if (!order) throw new AppError('NOT_FOUND', 'We could not find that order in this browser session')
  return { ...order, email: displayEmail(order.email) }
}

/**
 * The stored address as the shopper wrote it: checkout stores an internationalized domain
 * in ASCII (`user@xn--bcher-kva.example`, server/checkout/email.schema.ts); the receipt line
 * shows `user@bücher.example`. Node's `domainToUnicode` is the WHATWG inverse of that conversion.
 */
export function displayEmail(stored: string): string {
  const at = stored.lastIndexOf('@')
  const domain = domainToUnicode(stored.slice(at + 1))
  return at > 0 && domain ? `${stored.slice(0, at)}@${domain}` : stored
}

export async function getOrderStatus(orderId: string, sessionId: string) {
  const { id, status, failureReason, paidAt } = await getOrder(orderId, sessionId)
  return { id, status, failureReason, paidAt }
}

/**
 * Enqueues each new order's payment job inside the caller's transaction (checkout's), so an
 * order never exists without its job nor a job without its order.
 */
export async function enqueuePayments(client: DbClient, orderIds: string[]): Promise<void> {
  await addPaymentJobs(orderIds.map((orderId) => ({ orderId })), client)
}
