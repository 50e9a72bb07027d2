'use client'

import Link from 'next/link'
import { friendlyError } from '@/app/_components/error-message'
import { formatCents } from '@/server/checkout/money'
import { useCart, useCartMutations } from '@/app/_components/use-cart'

export function CartView() {
  const { data: cart, isLoading, error } = useCart()
  const { setQuantity, remove } = useCartMutations()
  const mutationError = setQuantity.error ?? remove.error

  if (isLoading) return <p className="mt-6 text-stone-500" aria-busy="true">Loading your cart…</p>
  if (error) return <p role="alert" className="mt-6 text-red-700">Could not load your cart: {friendlyError(error)}</p>
  if (!cart || cart.lines.length === 0) {
    return (
      <div className="mt-8 rounded-xl border border-dashed border-stone-300 bg-white p-10 text-center" data-testid="cart-empty">
        <p className="text-lg font-semibold">Your cart is empty.</p>
        <Link href="/" className="mt-4 inline-block font-semibold text-brand-700 underline">Find a deal →</Link>
      </div>
    )
  }
  return (
    <div className="mt-6 grid gap-8 lg:grid-cols-[1fr_320px]">
      <ul className="divide-y divide-stone-200 rounded-xl border border-stone-200 bg-white" data-testid="cart-lines">
        {cart.lines.map((line) => (
          <li key={line.productId} className="flex items-center gap-4 p-4" data-testid="cart-line" data-product-id={line.productId}>
            {/* eslint-disable-next-line @next/next/no-img-element -- tiny local SVGs */}
            <img src={line.imageUrl} alt="" width={96} height={72} className="h-18 w-24 rounded-lg object-cover" />
            <div className="flex-1">
              <Link href={`/p/${line.slug}`} className="font-semibold hover:text-brand-700" data-testid="cart-line-name">{line.name}</Link>
              <p className="text-sm text-stone-500">{formatCents(line.priceCents, line.currency)} each</p>
              {!line.available && <p className="text-sm font-medium text-red-700">No longer for sale: remove it to check out.</p>}
            </div>
            <label className="flex items-center gap-2 text-sm">
              <span className="sr-only">Quantity of {line.name}</span>
              <select
                value={line.quantity}
                onChange={(e) => setQuantity.mutate({ productId: line.productId, quantity: Number(e.target.value) })}
                className="rounded-lg border border-stone-300 bg-white px-2 py-1"
                data-testid="cart-line-quantity"
              >
                {Array.from({ length: cart.maxQuantityPerLine }, (_, i) => i + 1).map((n) => (
                  <option key={n} value={n}>{n}</option>
                ))}
              </select>
            </label>
            <span className="w-24 text-right font-semibold">{formatCents(line.lineTotalCents, line.currency)}</span>
            <button
              type="button"
              onClick={() => remove.mutate({ productId: line.productId })}
              className="text-sm text-stone-500 hover:text-red-700"
              aria-label={`Remove ${line.name}`}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <aside className="h-fit rounded-xl border border-stone-200 bg-white p-5">
        <div className="flex justify-between text-sm text-stone-600">
          <span>Items</span>
          <span data-testid="cart-item-count">{cart.itemCount}</span>
        </div>
        <div className="mt-2 flex justify-between text-lg font-bold">
          <span>Subtotal</span>
          <span data-testid="cart-subtotal">{formatCents(cart.subtotalCents, cart.currency)}</span>
        </div>
        {mutationError && <p role="alert" className="mt-3 text-sm text-red-700">{friendlyError(mutationError)}</p>}
        <Link
          href="/checkout"
          aria-disabled={cart.itemCount === 0}
          className="mt-5 block rounded-xl bg-ink px-4 py-3 text-center font-bold text-white hover:bg-stone-700"
          data-testid="go-to-checkout"
        >
          Check out
        </Link>
      </aside>
    </div>
  )
}
