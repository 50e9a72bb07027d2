'use client'

import Link from 'next/link'
import { useState, type ComponentProps } from 'react'

type IntentLinkProps = Omit<ComponentProps<typeof Link>, 'prefetch' | 'href'> & { href: string }

/**
 * A `next/link` that prefetches its page when the shopper shows intent — pointer over it,
 * keyboard focus on it, or a finger on it — instead of when it scrolls into view. For lists of
 * catalog links (product grids, sort and page links, category tiles).
 *
 * Why: in production `<Link>` prefetches every link in the viewport, two requests each (the
 * route tree, then the segment data). One category view in a 1280×720 window sent 24 product
 * prefetches, and the home page 16; nearly all named long-tail products whose pages were not in
 * the ISR cache, so one browsing shopper made the origin render some 40 pages it would never
 * show. Under the 10× step that, not the page views themselves, saturated the one store process
 * (docs/decision-browser-load.md gives the before/after counts and the drill).
 *
 * Follows Next's own "hover-triggered prefetch" recipe (next/dist/docs, guides/prefetching.md):
 * `prefetch={false}` until intent, then `null` (the default behaviour). Focus and touch start
 * are added so keyboard and touch shoppers get the same head start as a mouse.
 */
export function IntentLink({ onMouseEnter, onFocus, onTouchStart, ...props }: IntentLinkProps) {
  const [intent, setIntent] = useState(false)
  const showingIntent =
    <E,>(handler?: (event: E) => void) =>
    (event: E) => {
      setIntent(true)
      handler?.(event)
    }
  return (
    <Link
      {...props}
      prefetch={intent ? null : false}
      onMouseEnter={showingIntent(onMouseEnter)}
      onFocus={showingIntent(onFocus)}
      onTouchStart={showingIntent(onTouchStart)}
    />
  )
}
