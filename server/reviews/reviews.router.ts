/** The reviews widget's query (public; flag and fault handling live in the service). */
import { createTRPCRouter, browseProcedure } from '../trpc/init'
import { getReviews } from './reviews.service'
import { productReviews, reviewsInput } from './reviews.schema'

export const reviewsRouter = createTRPCRouter({
  forProduct: browseProcedure
    .input(reviewsInput)
    .output(productReviews)
    .query(({ input }) => getReviews(input.productId)),
})
