/**
 * The reviews widget's data: behind the `reviews` flag (off → UNAVAILABLE, a deliberate
 * 503 the widget never asks for, since it reads the flag first) and the `reviewsDelayMs`
 * fault for drills. Unknown or inactive products → NOT_FOUND (one cached product read).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { getProduct } from '../catalog/catalog.service'
import { AppError } from '../platform/errors'
import { currentFaults } from '../platform/faults'
import { isEnabled } from '../platform/flags'
import { generateReviews } from './review-generator'
import type { ProductReviews } from './reviews.schema'


export async function getReviews(productId: number): Promise<ProductReviews> {
  const [enabled, faults] = await Promise.all([isEnabled('reviews'), currentFaults()])
  if (!enabled) throw new AppError('UNAVAILABLE', 'Reviews are switched off right now', { retryAfterSeconds: 60 })
  if (faults.reviewsDelayMs > 0) await sleep(faults.reviewsDelayMs)
  await getProduct(productId)
  return generateReviews(productId)
}
