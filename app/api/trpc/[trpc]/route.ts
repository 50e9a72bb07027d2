import { fetchRequestHandler } from '@trpc/server/adapters/fetch'
import { MAX_TRPC_BATCH_CALLS } from '@/server/trpc/batch-limit'
import { withBodyLimit } from '@/server/trpc/body-limit'
import { createHttpContext, responseMeta } from '@/server/trpc/init'
import { appRouter } from '@/server/trpc/root'

async function handler(incoming: Request) {
  const req = await withBodyLimit(incoming)
  if (req instanceof Response) return req
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: createHttpContext,
    responseMeta,
    maxBatchSize: MAX_TRPC_BATCH_CALLS,
  })
}

export { handler as GET, handler as POST }
