'use client'

import Link from 'next/link'
import { useCart } from './use-cart'

export function CartBadge() {
  const { data } = useCart()
  const count = data?.itemCount ?? 0
  return (
    <Link href="/cart" className="relative flex items-center gap-1 hover:text-ink" data-testid="cart-link">
      Cart
      <span
        className={`min-w-6 rounded-full px-1.5 text-center text-xs font-bold ${count > 0 ? 'bg-brand-600 text-white' : 'bg-stone-200 text-stone-600'}`}
        data-testid="cart-count"
        aria-label={`${count} items in cart`}
      >
        {count}
      </span>
    </Link>
  )
}
