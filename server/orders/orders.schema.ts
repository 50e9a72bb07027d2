import { z } from 'zod'

export const orderIdInput = z.object({
  orderId: z.uuid({ error: (issue) => (issue.input === undefined ? 'orderId is required' : 'Not an order number') }),
})

export const orderStatus = z.enum(['PENDING_PAYMENT', 'PAID', 'FAILED'])

export const orderView = z.object({
  id: z.string(),
  status: orderStatus,
  totalCents: z.number().int(),
  currency: z.string(),
  email: z.string(),
  shippingName: z.string(),
  shippingAddress: z.string(),
  failureReason: z.string().nullable(),
  createdAt: z.date(),
  paidAt: z.date().nullable(),
  lines: z.array(
    z.object({ productId: z.number().int(), name: z.string(), quantity: z.number().int(), unitPriceCents: z.number().int() }),
  ),
})
export type OrderView = z.infer<typeof orderView>

export const orderStatusView = orderView.pick({ id: true, status: true, failureReason: true, paidAt: true })
