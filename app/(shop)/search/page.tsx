import type { Metadata } from 'next'
import { ProductCard } from '@/app/_components/product-card'
import { orLimited } from '@/app/_trpc/or-not-found'
import { requestCaller } from '@/app/_trpc/server'
import { searchInput } from '@/server/catalog/catalog.schema'
import { SearchForm } from './search-form'

type Props = { searchParams: Promise<{ q?: string | string[] }> }

export const metadata: Metadata = { title: 'Search' }

/**
 * Rendered per request (the query space is unbounded, so no page cache); the results come
 * from Redis, cached 300 s per normalized query. Bad input gets a message, never a 500; the
 * per-client `browse` and `search` limits apply here as on catalog.search (a message, too), and
 * count the view once, though the page makes two calls (`Context.viewCharges`).
 */
export default async function SearchPage({ searchParams }: Props) {
  const { q } = await searchParams
  const raw = Array.isArray(q) ? q[0] : q
  // The `search` flag (switched at /ops) pauses search without a deploy: no query is run.
  const caller = await requestCaller()
  const flags = await orLimited(caller.flags.enabled())
  const enabled = flags.value?.search ?? true
  if (!enabled) {
    return (
      <div>
        <h1 className="text-3xl font-bold">Search</h1>
        <p className="mt-4 text-stone-600" data-testid="search-paused">
          Search is paused for a moment while we serve the sale. Browse the deals and categories instead.
        </p>
      </div>
    )
  }
  const parsed = raw === undefined ? null : searchInput.safeParse({ q: raw })
  const search = parsed?.success && !flags.limited ? await orLimited(caller.catalog.search(parsed.data)) : null
  const result = search?.value ?? null
  const limited = flags.limited ?? search?.limited ?? null
  return (
    <div>
      <h1 className="text-3xl font-bold">Search</h1>
      <div className="mt-4">
        <SearchForm defaultValue={raw?.slice(0, 200) ?? ''} />
      </div>
      {parsed && !parsed.success ? (
        <p role="alert" className="mt-4 text-sm font-medium text-red-700" data-testid="search-error">
          {parsed.error.issues[0]?.message ?? 'That search cannot be run.'}
        </p>
      ) : null}
      {limited ? (
        <p role="alert" className="mt-4 text-sm font-medium text-red-700" data-testid="search-limited">
          {limited}
        </p>
      ) : null}
      {result ? (
        <section className="mt-6" aria-label="Search results">
          <p className="text-sm text-stone-500" data-testid="search-summary">
            {result.total === 0
              ? `No products match “${result.query}”.`
              : `${result.total.toLocaleString('en-US')} products match “${result.query}”${result.total > result.products.length ? ` (best ${result.products.length} shown)` : ''}.`}
          </p>
          <div className="mt-4 grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4" data-testid="search-results">
            {result.products.map((p) => (
              <ProductCard key={p.id} product={p} />
            ))}
          </div>
        </section>
      ) : null}
    </div>
  )
}
