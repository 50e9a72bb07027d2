'use client'

import { useQuery } from '@tanstack/react-query'
import Link from 'next/link'
import { friendlyError } from '@/app/_components/error-message'
import { formatCents } from '@/server/checkout/money'
import { useTRPC } from '@/app/_trpc/client'

/** Polling backs off from 0.5 s to 5 s while payment is pending, then stops. */
export const FIRST_POLL_MS = 500
export const MAX_POLL_MS = 5_000

const STATUS_COPY = {
  PENDING_PAYMENT: { title: 'Payment in progress', body: 'Your items are reserved. We are confirming your payment; this page updates by itself.', tone: 'bg-amber-50 border-amber-200 text-amber-900' },
  PAID: { title: 'Paid: your order is confirmed', body: 'Thank you! A confirmation is on its way to your inbox.', tone: 'bg-emerald-50 border-emerald-200 text-emerald-900' },
  FAILED: { title: 'Payment failed', body: 'We could not take your payment, so the order was cancelled and the items went back in stock. You have not been charged.', tone: 'bg-red-50 border-red-200 text-red-900' },
} as const

export function OrderStatusView({ orderId }: { orderId: string }) {
  const trpc = useTRPC()
  const order = useQuery(trpc.orders.get.queryOptions({ orderId }, { retry: false }))
  const status = useQuery(
    trpc.orders.status.queryOptions(
      { orderId },
      {
        enabled: order.isSuccess,
        retry: false,
        refetchInterval: (query) =>
          query.state.data && query.state.data.status !== 'PENDING_PAYMENT'
            ? false
            : Math.min(MAX_POLL_MS, FIRST_POLL_MS * 1.5 ** query.state.dataUpdateCount),
      },
    ),
  )

  if (order.isLoading) return <p className="text-stone-500" aria-busy="true">Loading your order…</p>
  if (order.error || !order.data) {
    return (
      <div className="mx-auto max-w-md py-16 text-center">
        <h1 className="text-2xl font-bold">Order not found</h1>
        <p className="mt-2 text-stone-600">{order.error ? friendlyError(order.error) : 'Unknown order.'}</p>
        <Link href="/" className="mt-6 inline-block font-semibold text-brand-700 underline">Back to the store</Link>
      </div>
    )
  }
  const current = status.data?.status ?? order.data.status
  const copy = STATUS_COPY[current]
  const o = order.data
  return (
    <div className="mx-auto max-w-3xl">
      <p className="text-sm text-stone-500">Order <span className="font-mono" data-testid="order-id">{o.id}</span></p>
      <div className={`mt-3 rounded-xl border p-5 ${copy.tone}`} data-testid="order-status" data-status={current} role="status" aria-live="polite">
        <h1 className="flex items-center gap-2 text-2xl font-bold">
          {current === 'PENDING_PAYMENT' && <span className="inline-block h-4 w-4 animate-spin rounded-full border-2 border-current border-t-transparent" aria-hidden />}
          {copy.title}
        </h1>
        <p className="mt-1">{copy.body}</p>
        {current === 'FAILED' && status.data?.failureReason && <p className="mt-1 text-sm">Reason: {status.data.failureReason}</p>}
      </div>
      <div className="mt-6 rounded-xl border border-stone-200 bg-white p-5">
        <ul className="divide-y divide-stone-100" data-testid="order-lines">
          {o.lines.map((l) => (
            <li key={l.productId} className="flex justify-between py-2">
              <span>{l.quantity} × {l.name}</span>
              <span className="font-medium">{formatCents(l.unitPriceCents * l.quantity, o.currency)}</span>
            </li>
          ))}
        </ul>
        <div className="mt-3 flex justify-between border-t border-stone-200 pt-3 text-lg font-bold">
          <span>Total</span>
          <span data-testid="order-total">{formatCents(o.totalCents, o.currency)}</span>
        </div>
        <p className="mt-4 text-sm text-stone-600">Shipping to {o.shippingName}, {o.shippingAddress}. Receipt to {o.email}.</p>
      </div>
    </div>
  )
}
