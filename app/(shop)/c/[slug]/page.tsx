import type { Metadata } from 'next'
import { caller } from '@/app/_trpc/server'
import { CategoryView, loadCategoryPage } from './category-view'

type Props = { params: Promise<{ slug: string }> }

/** First page, most popular first: prerendered at build for every category. */
export const revalidate = 300
/**
 * Static even though the Redis client's fetch() says `no-store`: those calls are cache reads,
 * not page data Next should track (see docs/decision-caching.md). No request data is read here.
 */
export const dynamic = 'force-static'

export async function generateStaticParams() {
  return (await caller.catalog.categories()).map((c) => ({ slug: c.slug }))
}

export async function generateMetadata(props: Props): Promise<Metadata> {
  const { category } = await loadCategoryPage(await props.params)
  return { title: category.name, description: category.description }
}

export default async function CategoryFirstPage(props: Props) {
  return <CategoryView data={await loadCategoryPage(await props.params)} />
}
