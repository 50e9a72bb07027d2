'use client'

import { useQuery } from '@tanstack/react-query'
import { useTRPC, useTRPCClient } from '@/app/_trpc/client'
import { WidgetUnavailable } from './widget-boundary'
import { widgetRequestOptions } from './widget-request'

const stars = (rating: number) => '★★★★★'.slice(0, rating) + '☆☆☆☆☆'.slice(0, 5 - rating)
const dateFormat = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' })

/** Seeded reviews for a product, fetched after the page is up. */
export default function ReviewsWidget({ productId }: { productId: number }) {
  const trpc = useTRPC()
  const client = useTRPCClient()
  const { data, isError } = useQuery({
    queryKey: trpc.reviews.forProduct.queryKey({ productId }),
    queryFn: ({ signal }) => client.reviews.forProduct.query({ productId }, widgetRequestOptions(signal)),
    retry: false,
    staleTime: 60_000,
  })
  if (isError) return <WidgetUnavailable name="reviews" />
  if (!data) {
    return (
      <p className="text-sm text-stone-500" data-testid="reviews-loading" aria-busy>
        Loading reviews…
      </p>
    )
  }
  return (
    <div data-testid="reviews">
      <p className="text-sm text-stone-600" data-testid="reviews-summary">
        {data.count === 0 ? 'No reviews yet.' : `${data.average?.toFixed(1)} out of 5 from ${data.count} reviews`}
      </p>
      <ul className="mt-4 grid gap-4 md:grid-cols-2">
        {data.reviews.map((r) => (
          <li key={r.id} className="rounded-xl border border-stone-200 bg-white p-4" data-testid="review">
            <p className="text-amber-500" aria-label={`${r.rating} out of 5 stars`}>
              {stars(r.rating)}
            </p>
            <p className="mt-1 font-semibold">{r.title}</p>
            <p className="mt-1 text-sm text-stone-700">{r.body}</p>
            <p className="mt-2 text-xs text-stone-500">
              {r.author} · {dateFormat.format(r.createdAt)}
            </p>
          </li>
        ))}
      </ul>
    </div>
  )
}
