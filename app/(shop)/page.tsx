import { IntentLink } from '@/app/_components/intent-link'
import { caller, getQueryClient, HydrateClient, trpc } from '@/app/_trpc/server'
import { tagPage } from '@/server/catalog/page-tags'
import { categoryPath } from '@/server/catalog/paths'
import { TAGS } from '@/server/platform/cache'
import { HotDeals } from './hot-deals'
import { SearchForm } from './search/search-form'

/**
 * Static (ISR), shared by every shopper; tagged with the hot-deals and category listings and
 * each deal, so edits reach it through tags; 300 s is the safety net (as the product page's).
 */
export const revalidate = 300
/**
 * Static even though the Redis client's fetch() says `no-store`: those calls are cache reads,
 * not page data Next should track (see docs/decision-caching.md). No request data is read here.
 */
export const dynamic = 'force-static'

const HOT_DEALS_ON_HOME = 8

export default async function HomePage() {
  const [deals, categories] = await Promise.all([
    getQueryClient().fetchQuery(trpc.catalog.hotDeals.queryOptions({ limit: HOT_DEALS_ON_HOME })),
    caller.catalog.categories(),
  ])
  await tagPage([TAGS.hotDeals, TAGS.categories, ...deals.map((d) => TAGS.product(d.id))])
  return (
    <HydrateClient>
      <section className="rounded-2xl bg-gradient-to-br from-ink to-stone-700 px-6 py-10 text-white sm:px-10">
        <p className="text-sm font-semibold uppercase tracking-widest text-brand-100">Black Friday</p>
        <h1 className="mt-2 max-w-2xl text-4xl font-extrabold tracking-tight sm:text-5xl">
          Doorbusters while they last.
        </h1>
        <p className="mt-3 max-w-xl text-stone-300">
          Limited stock on our hottest items. Every unit goes to exactly one shopper, never one too many.
        </p>
      </section>

      <div className="mt-8">
        <SearchForm />
      </div>

      <section className="mt-10" aria-labelledby="deals-heading">
        <h2 id="deals-heading" className="text-2xl font-bold">Hot deals</h2>
        <HotDeals limit={HOT_DEALS_ON_HOME} />
      </section>

      <section className="mt-12" aria-labelledby="categories-heading">
        <h2 id="categories-heading" className="text-2xl font-bold">Shop by category</h2>
        <ul className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
          {categories.map((c) => (
            <li key={c.id}>
              <IntentLink
                href={categoryPath(c.slug)}
                className="block rounded-xl border border-stone-200 bg-white p-4 shadow-sm transition hover:border-brand-500 hover:shadow"
                data-testid="category-link"
              >
                <span className="block font-semibold">{c.name}</span>
                <span className="text-sm text-stone-500">{c.productCount.toLocaleString('en-US')} products</span>
              </IntentLink>
            </li>
          ))}
        </ul>
      </section>
    </HydrateClient>
  )
}
