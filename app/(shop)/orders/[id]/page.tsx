import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { orderIdInput } from '@/server/orders/orders.schema'
import { OrderStatusView } from './order-status'

export const metadata: Metadata = { title: 'Your order', robots: { index: false } }

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  // Not an order number at all: the 404 page, not a page that polls for an order that cannot exist.
  if (!orderIdInput.safeParse({ orderId: id }).success) notFound()
  return <OrderStatusView orderId={id} />
}
