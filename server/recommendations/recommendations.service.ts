/**
 * "Recommended for you": the best sellers of the product's category, the product itself
 * left out — two cached catalog reads (product, category listing), no PostgreSQL in the
 * common case. Behind the `recommendations` flag; the `recommendationsFail` fault makes it
 * fail like a broken dependency would, for drills.
 */
import { getCategoryPage, getProduct } from '../catalog/catalog.service'
import type { ProductCard } from '../catalog/catalog.schema'
import { AppError } from '../platform/errors'
import { currentFaults } from '../platform/faults'
import { isEnabled } from '../platform/flags'
import { RECOMMENDATIONS_SHOWN } from './recommendations.schema'

export async function getRecommendations(productId: number): Promise<ProductCard[]> {
  const [enabled, faults] = await Promise.all([isEnabled('recommendations'), currentFaults()])
  if (!enabled) throw new AppError('UNAVAILABLE', 'Recommendations are switched off right now', { retryAfterSeconds: 60 })
  if (faults.recommendationsFail) throw new AppError('INTERNAL', 'Injected fault: recommendations are failing (drill)')
  const product = await getProduct(productId)
  const page = await getCategoryPage(product.category.slug, 1, 'popular')
  return page.products.filter((p) => p.id !== productId).slice(0, RECOMMENDATIONS_SHOWN)
}
