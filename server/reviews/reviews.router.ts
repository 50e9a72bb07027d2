/** The reviews widget's query (public; flag and fault handling live in the service). */
import { createTRPCRouter, publicProcedure } from '../trpc/init'
import { getReviews } from './reviews.service'
import { productReviews, reviewsInput } from './reviews.schema'

export const reviewsRouter = createTRPCRouter({
  forProduct: publicProcedure
    .input(reviewsInput)
    .output(productReviews)
    .query(({ input }) => getReviews(input.productId)),
})
