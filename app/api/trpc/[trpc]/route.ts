import { fetchRequestHandler } from '@trpc/server/adapters/fetch'
import { createHttpContext, responseMeta } from '@/server/trpc/init'
import { appRouter } from '@/server/trpc/root'

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: createHttpContext,
    responseMeta,
  })

export { handler as GET, handler as POST }
