import type { Metadata } from 'next'
import { OrderStatusView } from './order-status'

export const metadata: Metadata = { title: 'Your order', robots: { index: false } }

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  return <OrderStatusView orderId={id} />
}
