'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { friendlyError } from '@/app/_components/error-message'
import { useTRPC } from '@/app/_trpc/client'
import { Panel } from './panel'

type Product = { id: number; name: string; priceCents: number; stock: number; version: number; currency: string; slug: string }

/**
 * Mid-sale product edits: find a product (id or slug), change price, stock or name. Saved
 * through `catalog.updateProduct` with the version the admin saw, so an edit made meanwhile
 * is a conflict, not a lost update; the catalog invalidates every instance's pages.
 */
export function ProductEditor({ selected, onSelect }: { selected: string | null; onSelect: (q: string | null) => void }) {
  const trpc = useTRPC()
  const [lookup, setLookup] = useState('')
  const product = useQuery({ ...trpc.ops.findProduct.queryOptions({ q: selected ?? '' }), enabled: selected !== null, retry: false })
  return (
    <Panel title="Edit a product" testId="panel-product-editor">
      <form
        className="flex gap-2"
        onSubmit={(e) => {
          e.preventDefault()
          if (lookup.trim()) onSelect(lookup.trim())
        }}
      >
        <input
          value={lookup}
          onChange={(e) => setLookup(e.target.value)}
          placeholder="Product id or slug"
          className="flex-1 rounded-lg border border-stone-300 px-3 py-1.5 text-sm"
          data-testid="product-lookup"
        />
        <button type="submit" className="rounded-lg bg-ink px-3 py-1.5 text-sm font-semibold text-white" data-testid="product-lookup-go">
          Find
        </button>
      </form>
      {product.isError && <p className="mt-3 text-sm text-red-700">{friendlyError(product.error)}</p>}
      {product.data && <EditForm key={product.data.id} product={product.data} />}
    </Panel>
  )
}

function EditForm({ product }: { product: Product }) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [price, setPrice] = useState((product.priceCents / 100).toFixed(2))
  const [stock, setStock] = useState(String(product.stock))
  const [name, setName] = useState(product.name)
  const [saved, setSaved] = useState<number | null>(null)
  const update = useMutation(
    trpc.catalog.updateProduct.mutationOptions({
      onSuccess: (p) => {
        setSaved(p.version)
        void queryClient.invalidateQueries({ queryKey: trpc.ops.findProduct.queryKey() })
        void queryClient.invalidateQueries({ queryKey: trpc.ops.overview.queryKey() })
      },
    }),
  )
  const priceCents = Math.round(Number(price) * 100)
  const patch = {
    ...(priceCents !== product.priceCents ? { priceCents } : {}),
    ...(Number(stock) !== product.stock ? { stock: Number(stock) } : {}),
    ...(name.trim() !== product.name ? { name: name.trim() } : {}),
  }
  const invalid = !Number.isFinite(priceCents) || priceCents < 0 || !Number.isInteger(Number(stock)) || Number(stock) < 0 || name.trim() === ''
  return (
    <form
      className="mt-4 grid grid-cols-2 gap-3 text-sm"
      data-testid="product-edit-form"
      data-product-id={product.id}
      onSubmit={(e) => {
        e.preventDefault()
        update.mutate({ id: product.id, patch, expectedVersion: product.version })
      }}
    >
      <p className="col-span-2 text-stone-600">
        #{product.id} · <a href={`/p/${product.slug}`} target="_blank" rel="noreferrer" className="underline">{product.slug}</a> · version {product.version}
      </p>
      <label className="col-span-2 flex flex-col gap-1 font-medium">
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} className="rounded-lg border border-stone-300 px-3 py-1.5" data-testid="edit-name" />
      </label>
      <label className="flex flex-col gap-1 font-medium">
        Price ({product.currency})
        <input value={price} onChange={(e) => setPrice(e.target.value)} inputMode="decimal" className="rounded-lg border border-stone-300 px-3 py-1.5" data-testid="edit-price" />
      </label>
      <label className="flex flex-col gap-1 font-medium">
        Stock
        <input value={stock} onChange={(e) => setStock(e.target.value)} inputMode="numeric" className="rounded-lg border border-stone-300 px-3 py-1.5" data-testid="edit-stock" />
      </label>
      <div className="col-span-2 flex items-center gap-3">
        <button
          type="submit"
          disabled={invalid || Object.keys(patch).length === 0 || update.isPending}
          className="rounded-lg bg-brand-600 px-4 py-1.5 font-semibold text-white disabled:opacity-50"
          data-testid="edit-save"
        >
          {update.isPending ? 'Saving…' : 'Save'}
        </button>
        {saved !== null && !update.isPending && (
          <span className="text-emerald-700" data-testid="edit-saved">
            Saved as version {saved}: shoppers see it within seconds.
          </span>
        )}
        {update.isError && (
          <span className="text-red-700" role="alert" data-testid="edit-error">
            {friendlyError(update.error)}
          </span>
        )}
      </div>
    </form>
  )
}
