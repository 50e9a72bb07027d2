/** Thin tRPC surface of the cart. Every call is per shopper session and rate-limited. */
import { rateLimited, createTRPCRouter } from '../trpc/init'
import * as carts from './cart.service'
import { addToCartInput, cart, removeFromCartInput, setQuantityInput } from './cart.schema'

const cartProcedure = rateLimited('cart')

export const cartRouter = createTRPCRouter({
  get: cartProcedure.output(cart).query(({ ctx }) => carts.getCart(ctx.sid)),
  add: cartProcedure
    .input(addToCartInput)
    .output(cart)
    .mutation(({ ctx, input }) => carts.addToCart(ctx.sid, input.productId, input.quantity)),
  setQuantity: cartProcedure
    .input(setQuantityInput)
    .output(cart)
    .mutation(({ ctx, input }) => carts.setQuantity(ctx.sid, input.productId, input.quantity)),
  remove: cartProcedure
    .input(removeFromCartInput)
    .output(cart)
    .mutation(({ ctx, input }) => carts.removeFromCart(ctx.sid, input.productId)),
})
