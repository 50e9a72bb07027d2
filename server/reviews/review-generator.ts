/**
 * Seeded reviews: generated deterministically from the product id with faker (the same
 * library and approach as the seeded catalog, prisma/seed-data.ts), so every instance,
 * every run and every test sees the same reviews for a product — without a table.
 *
 * Why not a Review table: reviews here exist to exercise a degradable widget, and a widget
 * that reads PostgreSQL during a sale is load the sale does not need. Generation costs a few
 * microseconds of CPU, no I/O, no migration and no seed time. A real reviews feature (shoppers
 * writing them) would add the table and keep this module's output shape.
 */
import { Faker, en } from '@faker-js/faker'
import { REVIEWS_SHOWN, type ProductReviews, type Review } from './reviews.schema'

/** Reviews a product has at most. */
export const MAX_REVIEWS = 40
/** Newest review date; older ones go back from here. */
const NEWEST = Date.UTC(2026, 10, 20)
const DAY_MS = 86_400_000

const TITLES: Record<number, string[]> = {
  5: ['Exactly what I wanted', 'Worth every cent', 'Buying a second one', 'Great value'],
  4: ['Very good', 'Happy with it', 'Does the job well', 'Solid choice'],
  3: ['It is fine', 'Okay for the price', 'Mixed feelings', 'Average'],
  2: ['Not great', 'Expected more', 'Disappointing'],
  1: ['Would not buy again', 'Broke quickly', 'Not as described'],
}
const BODIES: Record<number, string[]> = {
  5: ['Arrived fast and works perfectly.', 'Quality is better than I expected at this price.', 'My family loves it.'],
  4: ['Good quality, shipping took a day longer than promised.', 'Works well, the packaging could be better.', 'Nice, would recommend.'],
  3: ['Does what it says, nothing more.', 'Fine, but the colour is not quite as pictured.', 'Decent for the money.'],
  2: ['Feels cheaper than it looks in the photos.', 'Stopped working properly after a few weeks.'],
  1: ['Arrived damaged and support was slow.', 'Not what the description says.'],
}

/** Ratings skewed the way shop reviews are: mostly 4-5, some 3, few 1-2. */
const RATING_WEIGHTS = [
  { weight: 4, value: 5 },
  { weight: 3, value: 4 },
  { weight: 1.5, value: 3 },
  { weight: 0.8, value: 2 },
  { weight: 0.7, value: 1 },
]

export function generateReviews(productId: number): ProductReviews {
  const faker = new Faker({ locale: [en] })
  faker.seed(productId)
  const count = faker.number.int({ min: 0, max: MAX_REVIEWS })
  const all: Review[] = []
  let age = 0
  for (let i = 0; i < count; i++) {
    const rating = faker.helpers.weightedArrayElement(RATING_WEIGHTS)
    age += faker.number.int({ min: 0, max: 9 })
    all.push({
      id: `${productId}-${i + 1}`,
      author: `${faker.person.firstName()} ${faker.person.lastName().charAt(0)}.`,
      rating,
      title: faker.helpers.arrayElement(TITLES[rating]!),
      body: faker.helpers.arrayElement(BODIES[rating]!),
      createdAt: new Date(NEWEST - age * DAY_MS),
    })
  }
  const average = count ? Math.round((all.reduce((n, r) => n + r.rating, 0) / count) * 10) / 10 : null
  return { productId, average, count, reviews: all.slice(0, REVIEWS_SHOWN) }
}
