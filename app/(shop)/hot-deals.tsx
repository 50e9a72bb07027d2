'use client'

import { useSuspenseQuery } from '@tanstack/react-query'
import { ProductCard } from '@/app/_components/product-card'
import { useTRPC } from '@/app/_trpc/client'

/** Hot deals, prefetched on the server and hydrated: no client round trip on first paint. */
export function HotDeals({ limit }: { limit: number }) {
  const trpc = useTRPC()
  const { data } = useSuspenseQuery(trpc.catalog.hotDeals.queryOptions({ limit }))
  if (data.length === 0) return <p className="mt-4 text-stone-500">No deals right now. Check back soon.</p>
  return (
    <div className="mt-4 grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4" data-testid="hot-deals">
      {data.map((p) => (
        <ProductCard key={p.id} product={p} />
      ))}
    </div>
  )
}
