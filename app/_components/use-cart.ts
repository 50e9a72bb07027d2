'use client'

import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query'
import { useTRPC } from '@/app/_trpc/client'
import type { Cart } from '@/server/cart/cart.schema'

/** The shopper's cart (creates the session on first use). tRPC answers are `private, no-store`. */
export function useCart() {
  const trpc = useTRPC()
  return useQuery(trpc.cart.get.queryOptions(undefined, { staleTime: 5_000 }))
}

function recount(cart: Cart): Cart {
  const sellable = cart.lines.filter((l) => l.available)
  return {
    ...cart,
    itemCount: sellable.reduce((n, l) => n + l.quantity, 0),
    subtotalCents: sellable.reduce((n, l) => n + l.lineTotalCents, 0),
  }
}

/**
 * Optimistic-update handlers for a cart mutation: the cart changes on screen at once,
 * rolls back if the server refuses, and takes the server's answer when it arrives.
 */
function optimisticCart<V>(queryClient: ReturnType<typeof useQueryClient>, cartKey: QueryKey, apply: (cart: Cart, vars: V) => Cart) {
  return {
    onMutate: async (vars: V) => {
      await queryClient.cancelQueries({ queryKey: cartKey })
      const previous = queryClient.getQueryData<Cart>(cartKey)
      if (previous) {
        const next = apply(previous, vars)
        queryClient.setQueryData<Cart>(cartKey, next.lines === previous.lines ? next : recount(next))
      }
      return { previous }
    },
    onError: (_error: unknown, _vars: V, context: { previous?: Cart } | undefined) => {
      if (context?.previous) queryClient.setQueryData(cartKey, context.previous)
    },
    onSuccess: (cart: Cart) => {
      queryClient.setQueryData(cartKey, cart)
    },
  }
}

export function useCartMutations() {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const cartKey = trpc.cart.get.queryKey()

  const add = useMutation(
    trpc.cart.add.mutationOptions(
      optimisticCart<{ productId: number; quantity?: number }>(queryClient, cartKey, (cart, vars) => {
        const q = vars.quantity ?? 1
        const existing = cart.lines.find((l) => l.productId === vars.productId)
        // A product not yet in the cart appears when the server answers (we don't know its price here).
        if (!existing) return { ...cart, itemCount: cart.itemCount + q }
        return {
          ...cart,
          lines: cart.lines.map((l) =>
            l.productId === vars.productId ? { ...l, quantity: l.quantity + q, lineTotalCents: l.priceCents * (l.quantity + q) } : l,
          ),
        }
      }),
    ),
  )
  const setQuantity = useMutation(
    trpc.cart.setQuantity.mutationOptions(
      optimisticCart<{ productId: number; quantity: number }>(queryClient, cartKey, (cart, vars) => ({
        ...cart,
        lines: cart.lines.map((l) =>
          l.productId === vars.productId ? { ...l, quantity: vars.quantity, lineTotalCents: l.priceCents * vars.quantity } : l,
        ),
      })),
    ),
  )
  const remove = useMutation(
    trpc.cart.remove.mutationOptions(
      optimisticCart<{ productId: number }>(queryClient, cartKey, (cart, vars) => ({
        ...cart,
        lines: cart.lines.filter((l) => l.productId !== vars.productId),
      })),
    ),
  )
  return { add, setQuantity, remove }
}
