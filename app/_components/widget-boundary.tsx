'use client'

import { ErrorBoundary } from 'react-error-boundary'

/**
 * Around every degradable widget: if it throws while rendering, the page shows one muted
 * line in its place and goes on. (Failed or slow *requests* are the widget's own business:
 * it shows the same line.)
 */
export function WidgetBoundary({ name, children }: { name: string; children: React.ReactNode }) {
  return <ErrorBoundary fallback={<WidgetUnavailable name={name} />}>{children}</ErrorBoundary>
}

export function WidgetUnavailable({ name }: { name: string }) {
  return (
    <p className="text-sm text-stone-500" data-testid={`${name}-unavailable`}>
      This section is unavailable right now.
    </p>
  )
}
