import Link from 'next/link'
import { notFound } from 'next/navigation'
import { cache } from 'react'
import { IntentLink } from '@/app/_components/intent-link'
import { ProductCard } from '@/app/_components/product-card'
import { orNotFound } from '@/app/_trpc/or-not-found'
import { caller } from '@/app/_trpc/server'
import { categoryPageInput, SORTS, type CategoryPage, type Sort } from '@/server/catalog/catalog.schema'
import { tagPage } from '@/server/catalog/page-tags'
import { categoryPath } from '@/server/catalog/paths'
import { TAGS } from '@/server/platform/cache'

const SORT_LABEL: Record<Sort, string> = { popular: 'Most popular', 'price-asc': 'Price: low to high', 'price-desc': 'Price: high to low' }

/**
 * One listing page, looked up once per render: generateMetadata and the page both ask, and
 * React's `cache` shares the answer within the render (keyed by the three strings).
 */
const loadListing = cache(async (slug: string, sort: string | undefined, rawPage: string | undefined): Promise<CategoryPage> => {
  const page = rawPage === undefined ? 1 : /^[1-9][0-9]{0,3}$/.test(rawPage) ? Number(rawPage) : NaN
  const parsed = categoryPageInput.safeParse({ slug, page, sort: sort ?? 'popular' })
  if (!parsed.success) notFound()
  const data = await orNotFound(caller.catalog.category(parsed.data))
  await tagPage([TAGS.category(data.category.slug), ...data.products.map((p) => TAGS.product(p.id))])
  return data
})

/**
 * Listing pages are static (ISR) and shared by every shopper; edits reach them through their tags.
 * Loads one listing page (404 for anything invalid) and tags the page with the category and every product on it. */
export function loadCategoryPage(raw: { slug: string; sort?: string; page?: string }): Promise<CategoryPage> {
  return loadListing(raw.slug, raw.sort, raw.page)
}

export function CategoryView({ data }: { data: CategoryPage }) {
  const { category, products, page, pageCount, sort } = data
  return (
    <div>
      <nav className="text-sm text-stone-500" aria-label="Breadcrumb">
        <Link href="/" className="hover:text-ink">Home</Link> / <span className="text-ink">{category.name}</span>
      </nav>
      <div className="mt-3 flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-3xl font-bold" data-testid="category-title">{category.name}</h1>
          <p className="mt-1 max-w-2xl text-stone-600">{category.description}</p>
        </div>
        <div className="flex gap-2 text-sm" role="group" aria-label="Sort products">
          {SORTS.map((s) => (
            <IntentLink
              key={s}
              href={categoryPath(category.slug, s)}
              aria-current={s === sort ? 'true' : undefined}
              className={`rounded-full border px-3 py-1 ${s === sort ? 'border-ink bg-ink text-white' : 'border-stone-300 bg-white hover:border-ink'}`}
            >
              {SORT_LABEL[s]}
            </IntentLink>
          ))}
        </div>
      </div>
      <p className="mt-4 text-sm text-stone-500">
        {category.productCount.toLocaleString('en-US')} products · page {page} of {pageCount}
      </p>
      <div className="mt-4 grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4">
        {products.map((p) => (
          <ProductCard key={p.id} product={p} />
        ))}
      </div>
      <nav className="mt-8 flex items-center justify-center gap-3" aria-label="Pagination">
        {page > 1 ? (
          <IntentLink href={categoryPath(category.slug, sort, page - 1)} className="rounded-lg border border-stone-300 bg-white px-4 py-2 text-sm font-medium hover:border-ink" rel="prev">
            ← Previous
          </IntentLink>
        ) : null}
        <span className="text-sm text-stone-600">Page {page} / {pageCount}</span>
        {page < pageCount ? (
          <IntentLink href={categoryPath(category.slug, sort, page + 1)} className="rounded-lg border border-stone-300 bg-white px-4 py-2 text-sm font-medium hover:border-ink" rel="next">
            Next →
          </IntentLink>
        ) : null}
      </nav>
    </div>
  )
}
