import { SEARCH_QUERY_MAX } from '@/server/catalog/catalog.schema'

/** A plain GET form to /search: works without JavaScript, shareable URLs. */
export function SearchForm({ defaultValue = '' }: { defaultValue?: string }) {
  return (
    <form action="/search" method="get" role="search" className="flex gap-2">
      <label htmlFor="search-q" className="sr-only">Search products</label>
      <input
        id="search-q"
        name="q"
        type="search"
        defaultValue={defaultValue}
        maxLength={SEARCH_QUERY_MAX}
        placeholder="Search products"
        className="w-full max-w-md rounded-lg border border-stone-300 bg-white px-3 py-2 text-sm focus:border-ink focus:outline-none"
        data-testid="search-input"
      />
      <button type="submit" className="rounded-lg bg-ink px-4 py-2 text-sm font-semibold text-white hover:bg-stone-700">
        Search
      </button>
    </form>
  )
}
