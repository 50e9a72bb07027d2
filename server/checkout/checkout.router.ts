/** checkout.placeOrder: rate-limited per session (fail closed), zod in and out, one service call. */
import { createTRPCRouter, rateLimited } from '../trpc/init'
import { placeOrderInput, placeOrderOutput } from './checkout.schema'
import { placeOrder } from './place-order'

export const checkoutRouter = createTRPCRouter({
  placeOrder: rateLimited('checkout')
    .input(placeOrderInput)
    .output(placeOrderOutput)
    .mutation(({ ctx, input }) => placeOrder(ctx.sid, input)),
})
