import type { ProductCard as ProductCardData } from '@/server/catalog/catalog.schema'
import { productPath } from '@/server/catalog/paths'
import { IntentLink } from './intent-link'
import { Price } from './price'

export function ProductCard({ product }: { product: ProductCardData }) {
  return (
    <IntentLink
      href={productPath(product.slug)}
      className="group flex flex-col overflow-hidden rounded-xl border border-stone-200 bg-white shadow-sm transition hover:-translate-y-0.5 hover:shadow-md"
      data-testid="product-card"
    >
      <div className="relative aspect-[4/3] bg-stone-100">
        {/* eslint-disable-next-line @next/next/no-img-element -- tiny local SVGs, no optimisation needed */}
        <img src={product.imageUrl} alt="" width={400} height={300} className="h-full w-full object-cover" loading="lazy" />
        {product.hot && (
          <span className="absolute left-2 top-2 rounded-full bg-brand-600 px-2 py-0.5 text-xs font-bold text-white">
            Doorbuster
          </span>
        )}
      </div>
      <div className="flex flex-1 flex-col gap-1 p-3">
        <h3 className="line-clamp-2 text-sm font-semibold group-hover:text-brand-700">{product.name}</h3>
        <Price cents={product.priceCents} currency={product.currency} className="mt-auto text-base font-bold" />
      </div>
    </IntentLink>
  )
}
