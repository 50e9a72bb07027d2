import 'server-only'

import { dehydrate, HydrationBoundary } from '@tanstack/react-query'
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query'
import { headers } from 'next/headers'
import { cache } from 'react'
import { createContext } from '@/server/trpc/init'
import { appRouter, createCaller } from '@/server/trpc/root'
import { makeQueryClient } from './query-client'

/**
 * Server-side tRPC for React Server Components. The context deliberately carries no
 * request headers: pages shared by all shoppers must not read per-request data, or
 * they could no longer be cached.
 */
const rscContext = cache(() => createContext({ headers: new Headers(), source: 'rsc' }))

export const getQueryClient = cache(makeQueryClient)

/** Prefetch: `void getQueryClient().prefetchQuery(trpc.catalog.hotDeals.queryOptions(…))`, then HydrateClient. */
export const trpc = createTRPCOptionsProxy({ ctx: rscContext, router: appRouter, queryClient: getQueryClient })

/** Direct server calls for data a page renders itself. */
export const caller = createCaller(rscContext)

/**
 * Server calls for a page rendered per request (`/search`): they carry this request's client,
 * so the per-client limits apply to the page as they do to the same calls over /api/trpc.
 * Never use it on a cached page (reading the request makes the page dynamic).
 */
export const requestCaller = cache(async () => createCaller(await createContext({ headers: await headers(), source: 'page' })))

export function HydrateClient({ children }: { children: React.ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>
}

