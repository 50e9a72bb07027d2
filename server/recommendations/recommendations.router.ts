/** The recommendations widget's query (public; flag and fault handling live in the service). */
import { createTRPCRouter, browseProcedure } from '../trpc/init'
import { getRecommendations } from './recommendations.service'
import { recommendations, recommendationsInput } from './recommendations.schema'

export const recommendationsRouter = createTRPCRouter({
  forProduct: browseProcedure
    .input(recommendationsInput)
    .output(recommendations)
    .query(({ input }) => getRecommendations(input.productId)),
})
