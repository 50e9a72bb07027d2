import { db } from '../platform/db'

export async function findOrderForSession(orderId: string, sessionId: string) {
  return db.order.findFirst({
    where: { id: orderId, sessionId },
    select: {
      id: true,
      status: true,
      totalCents: true,
      currency: true,
      email: true,
      shippingName: true,
      shippingAddress: true,
      failureReason: true,
      createdAt: true,
      paidAt: true,
      lines: { select: { productId: true, name: true, quantity: true, unitPriceCents: true }, orderBy: { productId: 'asc' } },
    },
  })
}
