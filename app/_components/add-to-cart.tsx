'use client'

import Link from 'next/link'
import { useState } from 'react'
import { friendlyError } from './error-message'
import { useCartMutations } from './use-cart'

/** Add-to-cart with an optimistic cart badge; a refusal rolls back and says why. */
export function AddToCart({ productId, productName }: { productId: number; productName: string }) {
  const { add } = useCartMutations()
  const [added, setAdded] = useState(false)
  return (
    <div className="mt-6 flex flex-col gap-2">
      <div className="flex items-center gap-3">
        <button
          type="button"
          data-testid="add-to-cart"
          disabled={add.isPending}
          onClick={() =>
            add.mutate(
              { productId, quantity: 1 },
              {
                onSuccess: () => setAdded(true),
                onError: () => setAdded(false),
              },
            )
          }
          className="rounded-xl bg-brand-600 px-6 py-3 text-base font-bold text-white shadow-sm transition hover:bg-brand-700 disabled:cursor-wait disabled:opacity-70"
        >
          {add.isPending ? 'Adding…' : 'Add to cart'}
        </button>
        {added && !add.isPending && (
          <Link href="/cart" className="text-sm font-semibold text-brand-700 underline" data-testid="added-to-cart">
            Added: view cart →
          </Link>
        )}
      </div>
      {add.isError && (
        <p role="alert" className="text-sm font-medium text-red-700" data-testid="add-to-cart-error">
          Could not add {productName}: {friendlyError(add.error)}
        </p>
      )}
    </div>
  )
}
