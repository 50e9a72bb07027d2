import type { Metadata } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { cache } from 'react'
import { AddToCart } from '@/app/_components/add-to-cart'
import { FlagGate } from '@/app/_components/flag-gate'
import { Price } from '@/app/_components/price'
import { ProductWidgets } from '@/app/_components/product-widgets'
import { StockBadge } from '@/app/_components/stock-badge'
import { orNotFound } from '@/app/_trpc/or-not-found'
import { caller } from '@/app/_trpc/server'
import { HOT_DEALS_MAX, productBySlugInput } from '@/server/catalog/catalog.schema'
import { tagPage } from '@/server/catalog/page-tags'
import { categoryPath } from '@/server/catalog/paths'
import { TAGS } from '@/server/platform/cache'

type Props = { params: Promise<{ slug: string }> }

/**
 * Static (ISR): shared by every shopper, so CDN-cacheable (`s-maxage=300`). An edit
 * invalidates `product:{id}` and `product-page:{slug}` on every instance within the
 * propagation deadline (server/catalog/propagation.ts), so freshness comes from tags; the
 * time is only a safety net, long enough that pages pre-warmed together before a spike do not
 * all turn STALE and re-render together in the middle of it (docs/decision-caching.md).
 * Stock is not rendered here: the client badge asks for it.
 */
export const revalidate = 300
/**
 * Static even though the Redis client's fetch() says `no-store`: those calls are cache reads,
 * not page data Next should track (see docs/decision-caching.md). No request data is read here.
 */
export const dynamic = 'force-static'

/** Pre-render the doorbusters at build: they get the first wave of traffic. */
export async function generateStaticParams() {
  const hot = await caller.catalog.hotDeals({ limit: HOT_DEALS_MAX })
  return hot.map((p) => ({ slug: p.slug }))
}

/**
 * The product behind one render, looked up once: generateMetadata and the page both need it,
 * and React's `cache` shares the answer within the render (keyed by the slug string).
 */
const loadProduct = cache(async (slug: string) => {
  const parsed = productBySlugInput.safeParse({ slug })
  if (!parsed.success) notFound()
  // Tagged by its address before the lookup: a 404 rendered for an inactive product is
  // cached too, and reactivating the product must invalidate it (catalog/update-product.ts).
  await tagPage([TAGS.productPage(parsed.data.slug)])
  const product = await orNotFound(caller.catalog.product(parsed.data))
  await tagPage([TAGS.product(product.id), TAGS.category(product.category.slug)])
  return product
})

const load = async (props: Props) => loadProduct((await props.params).slug)

export async function generateMetadata(props: Props): Promise<Metadata> {
  const product = await load(props)
  return { title: product.name, description: product.description.slice(0, 160) }
}

export default async function ProductPage(props: Props) {
  const product = await load(props)
  return (
    <>
    <article className="grid gap-8 md:grid-cols-2" data-testid="product" data-product-id={product.id} data-content-version={product.contentVersion}>
      <div className="overflow-hidden rounded-2xl border border-stone-200 bg-white">
        {/* eslint-disable-next-line @next/next/no-img-element -- tiny local SVGs, no optimisation needed */}
        <img src={product.imageUrl} alt={product.name} width={400} height={300} className="h-full w-full object-cover" />
      </div>
      <div>
        <nav className="text-sm text-stone-500" aria-label="Breadcrumb">
          <Link href="/" className="hover:text-ink">Home</Link> /{' '}
          <Link href={categoryPath(product.category.slug)} className="hover:text-ink">{product.category.name}</Link>
        </nav>
        {product.hot && (
          <p className="mt-3 inline-block rounded-full bg-brand-100 px-3 py-1 text-xs font-bold uppercase tracking-wide text-brand-700">
            Doorbuster deal
          </p>
        )}
        <h1 className="mt-3 text-3xl font-bold" data-testid="product-name">{product.name}</h1>
        <Price cents={product.priceCents} currency={product.currency} className="mt-4 block text-3xl font-extrabold" />
        <FlagGate flag="stockBadge">
          <StockBadge productId={product.id} />
        </FlagGate>
        <AddToCart productId={product.id} productName={product.name} />
        <p className="mt-6 leading-relaxed text-stone-700">{product.description}</p>
      </div>
    </article>
    {/* Degradable widgets: client-side, after the main content, each behind a flag (server/platform/flags.ts). */}
    <ProductWidgets productId={product.id} />
    </>
  )
}
