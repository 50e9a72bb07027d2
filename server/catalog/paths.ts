/**
 * Catalog URLs, named once. Sort and page are path segments (not a query string) so every
 * listing page is a static, CDN-cacheable page of its own.
 */
import type { Sort } from './catalog.schema'

export const productPath = (slug: string) => `/p/${slug}`

export function categoryPath(slug: string, sort: Sort = 'popular', page = 1): string {
  return sort === 'popular' && page === 1 ? `/c/${slug}` : `/c/${slug}/${sort}/${page}`
}

export const searchPath = (q: string) => `/search?${new URLSearchParams({ q })}`
