'use client'

/** What a shopper sees at once when the items sold out while waiting in line: which ones, and the way back to the cart. */
import Link from 'next/link'
import { useEffect, useRef } from 'react'
import type { WaitingItem } from '@/server/waiting-room/waiting-room.schema'

export function SoldOutNotice(props: { items: WaitingItem[] }) {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => heading.current?.focus(), [])
  const soldOut = props.items.filter((i) => !i.available)
  const names = (soldOut.length > 0 ? soldOut : props.items).map((i) => i.name)
  return (
    <section role="alert" aria-labelledby="sold-out-heading" className="mt-6 rounded-xl border border-red-200 bg-red-50 p-6 text-red-900" data-testid="waiting-sold-out">
      <h2 id="sold-out-heading" ref={heading} tabIndex={-1} className="text-2xl font-bold focus:outline-none">
        Sorry — sold out while you waited
      </h2>
      <p className="mt-2">
        {names.length > 0 ? `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} no longer available.` : 'Your items are no longer available.'} You
        have left the line, and nothing was charged.
      </p>
      <Link href="/cart" className="mt-4 inline-block rounded-xl bg-ink px-4 py-2 font-bold text-white hover:bg-stone-700">
        Back to your cart
      </Link>
    </section>
  )
}
