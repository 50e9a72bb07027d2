'use client'

import { useQuery } from '@tanstack/react-query'
import { useTRPC, useTRPCClient } from '@/app/_trpc/client'
import { ProductCard } from './product-card'
import { WidgetUnavailable } from './widget-boundary'
import { widgetRequestOptions } from './widget-request'

/** "Recommended for you": best sellers of the same category, fetched after the page is up. */
export default function RecommendationsWidget({ productId }: { productId: number }) {
  const trpc = useTRPC()
  const client = useTRPCClient()
  const { data, isError } = useQuery({
    queryKey: trpc.recommendations.forProduct.queryKey({ productId }),
    queryFn: ({ signal }) => client.recommendations.forProduct.query({ productId }, widgetRequestOptions(signal)),
    retry: false,
    staleTime: 60_000,
  })
  if (isError) return <WidgetUnavailable name="recommendations" />
  if (!data) return <div className="h-40 animate-pulse rounded-xl bg-stone-100" data-testid="recommendations-loading" aria-busy />
  if (data.length === 0) return null
  return (
    <div className="grid grid-cols-2 gap-4 sm:grid-cols-4" data-testid="recommendations">
      {data.map((p) => (
        <ProductCard key={p.id} product={p} />
      ))}
    </div>
  )
}
