/** The app router: one branch per domain. */
import { catalogRouter } from '../catalog/catalog.router'
import { createCallerFactory, createTRPCRouter } from './init'

export const appRouter = createTRPCRouter({
  catalog: catalogRouter,
})

export type AppRouter = typeof appRouter

export const createCaller = createCallerFactory(appRouter)
