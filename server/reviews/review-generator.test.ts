/** Seeded reviews are the same for a product every time, and look like shop reviews. */
import { describe, expect, it } from 'vitest'
import { generateReviews, MAX_REVIEWS } from './review-generator'
import { REVIEWS_SHOWN } from './reviews.schema'

describe('seeded reviews', () => {
  it('are deterministic per product and differ between products', () => {
    expect(generateReviews(42)).toEqual(generateReviews(42))
    expect(generateReviews(42)).not.toEqual(generateReviews(43))
  })

  it('show at most the newest few, with an average over all of them', () => {
    const counts = new Set<number>()
    for (let id = 1; id <= 200; id++) {
      const r = generateReviews(id)
      counts.add(r.count)
      expect(r.count).toBeLessThanOrEqual(MAX_REVIEWS)
      expect(r.reviews).toHaveLength(Math.min(REVIEWS_SHOWN, r.count))
      expect(r.average === null).toBe(r.count === 0)
      if (r.average !== null) expect(r.average).toBeGreaterThanOrEqual(1)
      for (let i = 1; i < r.reviews.length; i++) expect(r.reviews[i]!.createdAt.getTime()).toBeLessThanOrEqual(r.reviews[i - 1]!.createdAt.getTime())
    }
    expect(counts.size).toBeGreaterThan(10)
  })
})
