import { fetchRequestHandler } from '@trpc/server/adapters/fetch'
import { createContext, responseMeta } from '@/server/trpc/init'
import { appRouter } from '@/server/trpc/root'

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: () => createContext({ headers: req.headers, source: 'http' }),
    responseMeta,
  })

export { handler as GET, handler as POST }
