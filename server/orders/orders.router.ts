import { createTRPCRouter, rateLimited } from '../trpc/init'
import { orderIdInput, orderStatusView, orderView } from './orders.schema'
import { getOrder, getOrderStatus } from './orders.service'

export const ordersRouter = createTRPCRouter({
  get: rateLimited('cart').input(orderIdInput).output(orderView).query(({ ctx, input }) => getOrder(input.orderId, ctx.sid)),
  status: rateLimited('cart')
    .input(orderIdInput)
    .output(orderStatusView)
    .query(({ ctx, input }) => getOrderStatus(input.orderId, ctx.sid)),
})
