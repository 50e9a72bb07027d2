import 'server-only'

import { TRPCError } from '@trpc/server'
import { notFound } from 'next/navigation'

/** Turns a NOT_FOUND from a server-side tRPC call into Next's real 404 page. */
export async function orNotFound<T>(call: Promise<T>): Promise<T> {
  try {
    return await call
  } catch (error) {
    if (error instanceof TRPCError && error.code === 'NOT_FOUND') notFound()
    throw error
  }
}
