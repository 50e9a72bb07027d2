/** Shopper-facing order reads. An order is visible only to the session that placed it. */
import { AppError } from '../platform/errors'
import * as repo from './orders.repo'
import type { OrderView } from './orders.schema'

export async function getOrder(orderId: string, sessionId: string): Promise<OrderView> {
  const order = await repo.findOrderForSession(orderId, sessionId)
  if (!order) throw new AppError('NOT_FOUND', 'We could not find that order in this browser session')
  return order
}

export async function getOrderStatus(orderId: string, sessionId: string) {
  const { id, status, failureReason, paidAt } = await getOrder(orderId, sessionId)
  return { id, status, failureReason, paidAt }
}
