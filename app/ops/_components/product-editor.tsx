'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { friendlyError } from '@/app/_components/error-message'
import { useTRPC } from '@/app/_trpc/client'
import type { ProductForEdit } from '@/server/catalog/catalog.schema'
import { PRODUCT_DESCRIPTION_MAX, PRODUCT_NAME_MAX } from '@/server/catalog/catalog.schema'
import { Panel } from './panel'

/** How often the editor re-reads the live stock while it is open. */
const STOCK_REFRESH_MS = 5_000
/** "+50", "-10", "−10", "50". */
const DELTA_PATTERN = /^\s*([+\-−]?)\s*(\d{1,7})\s*$/

/** "+50" → 50, "−10" → -10; null when it is not a whole, non-zero number of units. */
function parseDelta(text: string): number | null {
  const m = DELTA_PATTERN.exec(text)
  if (!m) return null
  const units = Number(m[2])
  if (units === 0) return null
  return m[1] === '-' || m[1] === '−' ? -units : units
}

/**
 * Mid-sale product edits, in two independent parts, loaded from the primary database:
 *  - what the product says (name, price, description, for sale, doorbuster): saved through
 *    `catalog.updateProduct` with the content version the admin loaded — sales never change
 *    that version, so a selling doorbuster stays editable, and only another admin's edit is a
 *    conflict;
 *  - how many are left: a change by units ("+50", "−10") or "stop selling", applied next to
 *    concurrent sales (`inventory.changeStock` / `inventory.stopSelling`), never a stock
 *    figure typed over what shoppers bought meanwhile.
 * Every instance and cache shows a change within the propagation deadline.
 */
export function ProductEditor({ selected, onSelect }: { selected: string | null; onSelect: (q: string | null) => void }) {
  const trpc = useTRPC()
  const [lookup, setLookup] = useState('')
  // Lives here, not in the form: a save remounts the form at the new content version.
  const [saved, setSaved] = useState<Saved | null>(null)
  const product = useQuery({
    ...trpc.ops.findProduct.queryOptions({ q: selected ?? '' }),
    enabled: selected !== null,
    retry: false,
    refetchInterval: STOCK_REFRESH_MS,
  })
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
      {product.data && (
        <>
          {/* Keyed by content version: after a save (or another admin's) the form starts from what is stored. */}
          <ContentForm
            key={`${product.data.id}:${product.data.contentVersion}`}
            product={product.data}
            saved={saved?.productId === product.data.id ? saved : null}
            onSaved={setSaved}
          />
          <StockForm key={`stock:${product.data.id}`} product={product.data} />
        </>
      )}
    </Panel>
  )
}

function useRefreshAfterChange() {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  return () => {
    void queryClient.invalidateQueries({ queryKey: trpc.ops.findProduct.queryKey() })
    void queryClient.invalidateQueries({ queryKey: trpc.ops.overview.queryKey() })
  }
}

type Saved = { productId: number; contentVersion: number; retrying: boolean }

function ContentForm({ product, saved, onSaved }: { product: ProductForEdit; saved: Saved | null; onSaved: (s: Saved) => void }) {
  const trpc = useTRPC()
  const refresh = useRefreshAfterChange()
  const [price, setPrice] = useState((product.priceCents / 100).toFixed(2))
  const [name, setName] = useState(product.name)
  const [description, setDescription] = useState(product.description)
  const [active, setActive] = useState(product.active)
  const [hot, setHot] = useState(product.hot)
  const update = useMutation(
    trpc.catalog.updateProduct.mutationOptions({
      onSuccess: (r) => {
        onSaved({ productId: r.product.id, contentVersion: r.product.contentVersion, retrying: r.propagation === 'retrying' })
        refresh()
      },
    }),
  )
  const priceCents = Math.round(Number(price) * 100)
  const patch = {
    ...(priceCents !== product.priceCents ? { priceCents } : {}),
    ...(name.trim() !== product.name ? { name: name.trim() } : {}),
    ...(description.trim() !== product.description ? { description: description.trim() } : {}),
    ...(active !== product.active ? { active } : {}),
    ...(hot !== product.hot ? { hot } : {}),
  }
  const invalid = !Number.isFinite(priceCents) || priceCents < 0 || name.trim() === ''
  return (
    <form
      className="mt-4 grid grid-cols-2 gap-3 text-sm"
      data-testid="product-edit-form"
      data-product-id={product.id}
      data-content-version={product.contentVersion}
      onSubmit={(e) => {
        e.preventDefault()
        update.mutate({ id: product.id, patch, expectedContentVersion: product.contentVersion })
      }}
    >
      <p className="col-span-2 text-stone-600">
        #{product.id} · <a href={`/p/${product.slug}`} target="_blank" rel="noreferrer" className="underline">{product.slug}</a> · content
        version {product.contentVersion}
      </p>
      <label className="col-span-2 flex flex-col gap-1 font-medium">
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={PRODUCT_NAME_MAX} className="rounded-lg border border-stone-300 px-3 py-1.5" data-testid="edit-name" />
      </label>
      <label className="flex flex-col gap-1 font-medium">
        Price ({product.currency})
        <input value={price} onChange={(e) => setPrice(e.target.value)} inputMode="decimal" className="rounded-lg border border-stone-300 px-3 py-1.5" data-testid="edit-price" />
      </label>
      <div className="flex flex-col justify-end gap-1 font-medium">
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} data-testid="edit-active" />
          For sale (shown to shoppers)
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={hot} onChange={(e) => setHot(e.target.checked)} data-testid="edit-hot" />
          Doorbuster
        </label>
      </div>
      <label className="col-span-2 flex flex-col gap-1 font-medium">
        Description
        <textarea
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          maxLength={PRODUCT_DESCRIPTION_MAX}
          rows={3}
          className="rounded-lg border border-stone-300 px-3 py-1.5"
          data-testid="edit-description"
        />
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
          <span className={saved.retrying ? 'text-amber-700' : 'text-emerald-700'} data-testid="edit-saved">
            {saved.retrying
              ? `Saved as content version ${saved.contentVersion}, but a cache (Redis or an edge) refused part of the update: it is being retried, shoppers may see the old version until then.`
              : `Saved as content version ${saved.contentVersion}: every shopper sees it within 2 s.`}
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

function StockForm({ product }: { product: ProductForEdit }) {
  const trpc = useTRPC()
  const refresh = useRefreshAfterChange()
  const [delta, setDelta] = useState('')
  const [result, setResult] = useState<string | null>(null)
  const done = (r: { name: string; previousStock: number; stock: number; propagation: string }) => {
    setResult(
      `${r.previousStock} → ${r.stock} units${r.propagation === 'retrying' ? ' (Redis refused part of the update: retrying; the sold-out gate or badge may lag until then)' : ''}`,
    )
    setDelta('')
    refresh()
  }
  const change = useMutation(trpc.inventory.changeStock.mutationOptions({ onSuccess: done }))
  const stop = useMutation(trpc.inventory.stopSelling.mutationOptions({ onSuccess: done }))
  const units = parseDelta(delta)
  const pending = change.isPending || stop.isPending
  const error = change.error ?? stop.error
  return (
    <form
      className="mt-5 grid grid-cols-2 gap-3 border-t border-stone-200 pt-4 text-sm"
      data-testid="stock-form"
      onSubmit={(e) => {
        e.preventDefault()
        if (units !== null) change.mutate({ productId: product.id, delta: units })
      }}
    >
      <p className="col-span-2 font-medium">
        On the shelf now: <span data-testid="stock-current">{product.stock}</span> units
      </p>
      <label className="flex flex-col gap-1 font-medium">
        Change by units (+50 or −10)
        <input value={delta} onChange={(e) => setDelta(e.target.value)} placeholder="+50" className="rounded-lg border border-stone-300 px-3 py-1.5" data-testid="stock-delta" />
      </label>
      <div className="flex items-end gap-2">
        <button type="submit" disabled={units === null || pending} className="rounded-lg bg-ink px-3 py-1.5 font-semibold text-white disabled:opacity-50" data-testid="stock-apply">
          Apply
        </button>
        <button
          type="button"
          disabled={pending || product.stock === 0}
          onClick={() => stop.mutate({ productId: product.id })}
          className="rounded-lg border border-red-300 px-3 py-1.5 font-semibold text-red-700 disabled:opacity-50"
          data-testid="stock-stop"
        >
          Stop selling
        </button>
      </div>
      {result !== null && !pending && (
        <p className="col-span-2 text-emerald-700" data-testid="stock-result">
          {result}
        </p>
      )}
      {error && (
        <p className="col-span-2 text-red-700" role="alert" data-testid="stock-error">
          {friendlyError(error)}
        </p>
      )}
    </form>
  )
}
