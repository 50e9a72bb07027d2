'use client'

import { useQuery } from '@tanstack/react-query'
import { useTRPC } from '@/app/_trpc/client'

const REFRESH_MS = 15_000

/**
 * Live stock for a static product page: asks `catalog.stock` (Redis-cached 1-2 s) after the
 * page has loaded and every 15 s. Hides itself when the call fails: the page never depends on it.
 */
export function StockBadge({ productId }: { productId: number }) {
  const trpc = useTRPC()
  const { data, isError } = useQuery({
    ...trpc.catalog.stock.queryOptions({ productId }),
    retry: false,
    staleTime: 1_000,
    refetchInterval: REFRESH_MS,
  })
  if (isError) return null
  if (!data) return <p className="mt-3 h-7" aria-hidden data-testid="stock-badge-pending" />
  const { label, style } =
    data.status === 'SOLD_OUT'
      ? { label: 'Sold out', style: 'bg-stone-200 text-stone-700' }
      : data.status === 'LOW_STOCK'
        ? { label: `Only ${data.stock} left`, style: 'bg-amber-100 text-amber-800' }
        : { label: 'In stock', style: 'bg-emerald-100 text-emerald-800' }
  return (
    <p className="mt-3" aria-live="polite">
      <span className={`inline-block rounded-full px-3 py-1 text-sm font-semibold ${style}`} data-testid="stock-badge" data-status={data.status}>
        {label}
      </span>
    </p>
  )
}
