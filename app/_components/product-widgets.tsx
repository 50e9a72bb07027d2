'use client'

import dynamic from 'next/dynamic'
import { FlagGate } from './flag-gate'
import { WidgetBoundary } from './widget-boundary'

// Code-split and client-only: their JavaScript loads after the page, never in its way.
const ReviewsWidget = dynamic(() => import('./reviews-widget'), { ssr: false })
const RecommendationsWidget = dynamic(() => import('./recommendations-widget'), { ssr: false })

/**
 * The product page's degradable extras, below the main content: each behind its feature flag
 * (off → not rendered, not requested), its own error boundary and a request deadline.
 */
export function ProductWidgets({ productId }: { productId: number }) {
  return (
    <div className="mt-12 flex flex-col gap-10">
      <FlagGate flag="recommendations">
        <section aria-labelledby="recommendations-heading">
          <h2 id="recommendations-heading" className="text-xl font-bold">
            Recommended for you
          </h2>
          <div className="mt-4">
            <WidgetBoundary name="recommendations">
              <RecommendationsWidget productId={productId} />
            </WidgetBoundary>
          </div>
        </section>
      </FlagGate>
      <FlagGate flag="reviews">
        <section aria-labelledby="reviews-heading">
          <h2 id="reviews-heading" className="text-xl font-bold">
            Reviews
          </h2>
          <div className="mt-4">
            <WidgetBoundary name="reviews">
              <ReviewsWidget productId={productId} />
            </WidgetBoundary>
          </div>
        </section>
      </FlagGate>
    </div>
  )
}
