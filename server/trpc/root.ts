/** The app router: one branch per domain. */
import { authRouter } from '../auth/auth.router'
import { cartRouter } from '../cart/cart.router'
import { catalogRouter } from '../catalog/catalog.router'
import { checkoutRouter } from '../checkout/checkout.router'
import { flagsRouter } from '../flags/flags.router'
import { inventoryRouter } from '../inventory/inventory.router'
import { opsRouter } from '../ops/ops.router'
import { ordersRouter } from '../orders/orders.router'
import { recommendationsRouter } from '../recommendations/recommendations.router'
import { reviewsRouter } from '../reviews/reviews.router'
import { createCallerFactory, createTRPCRouter } from './init'

export const appRouter = createTRPCRouter({
  auth: authRouter,
  cart: cartRouter,
  catalog: catalogRouter,
  checkout: checkoutRouter,
  flags: flagsRouter,
  inventory: inventoryRouter,
  ops: opsRouter,
  orders: ordersRouter,
  recommendations: recommendationsRouter,
  reviews: reviewsRouter,
})

export type AppRouter = typeof appRouter

export const createCaller = createCallerFactory(appRouter)
