import type { Metadata } from 'next'
import { CategoryView, loadCategoryPage } from '../../category-view'

type Props = { params: Promise<{ slug: string; sort: string; page: string }> }

/** Other sorts and pages: rendered on first request, then static like the first page. */
export const revalidate = 300
/**
 * Static even though the Redis client's fetch() says `no-store`: those calls are cache reads,
 * not page data Next should track (see docs/decision-caching.md). No request data is read here.
 */
export const dynamic = 'force-static'

export async function generateStaticParams(): Promise<Array<{ slug: string; sort: string; page: string }>> {
  return []
}

export async function generateMetadata(props: Props): Promise<Metadata> {
  const { category, page } = await loadCategoryPage(await props.params)
  return { title: `${category.name} · page ${page}`, description: category.description }
}

export default async function CategoryListingPage(props: Props) {
  return <CategoryView data={await loadCategoryPage(await props.params)} />
}
