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

/** A per-client limit refused a server-side call: what to tell the shopper, else null. */
export function limitMessage(error: unknown): string | null {
  if (!(error instanceof TRPCError) || (error.code !== 'TOO_MANY_REQUESTS' && error.code !== 'SERVICE_UNAVAILABLE')) return null
  const cause = error.cause as { retryAfterSeconds?: unknown } | undefined
  const wait = typeof cause?.retryAfterSeconds === 'number' ? Math.max(1, Math.ceil(cause.retryAfterSeconds)) : 1
  return `${error.message.replace(/\.$/, '')}. Please try again in ${wait} s.`
}

/** A server-side call's answer, or the limit message that refused it (any other error is thrown). */
export async function orLimited<T>(call: Promise<T>): Promise<{ value: T; limited: null } | { value: null; limited: string }> {
  try {
    return { value: await call, limited: null }
  } catch (error) {
    const limited = limitMessage(error)
    if (limited === null) throw error
    return { value: null, limited }
  }
}
