/**
 * tRPC foundation: context, the single error formatter, and the procedure builders.
 *
 * Services throw AppError; the `appErrors` middleware turns it into a TRPCError with the
 * mapped code (so tRPC answers the right HTTP status), and `errorFormatter` adds the
 * domain code, retry hint and flattened zod issues to the error's `data`. `responseMeta`
 * turns a retry hint into a `Retry-After` header for the fetch adapter.
 */
import { initTRPC, TRPCError } from '@trpc/server'
import type { TRPCError as TRPCErrorType } from '@trpc/server'
import superjson from 'superjson'
import { z, ZodError } from 'zod'
import { AppError } from '../platform/errors'
import { logger } from '../platform/logger'
import { TRPC_CODE_OF } from './app-error-map'

/** Shopper/admin session; filled in by the session work (placeholder until then). */
export type Session = { kind: 'shopper'; id: string } | { kind: 'admin'; id: string; name: string }

export interface Context {
  headers: Headers
  session: Session | null
  /** Where the call came from: the HTTP endpoint or a React Server Component. */
  source: 'http' | 'rsc'
}

export async function createContext(opts: { headers: Headers; source: Context['source'] }): Promise<Context> {
  return { headers: opts.headers, session: null, source: opts.source }
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Stacks go to the logs, never into responses (not even in development builds).
  isDev: false,
  errorFormatter({ shape, error }) {
    const cause = error.cause
    // An unexpected error's message may carry internals (SQL, hosts, secrets): never send it.
    const unexpected = error.code === 'INTERNAL_SERVER_ERROR' && !(cause instanceof AppError)
    return {
      ...shape,
      message: unexpected ? 'Something went wrong on our side. Please try again.' : shape.message,
      data: {
        ...shape.data,
        appCode: cause instanceof AppError ? cause.code : null,
        retryAfterSeconds: cause instanceof AppError ? (cause.retryAfterSeconds ?? null) : null,
        details: cause instanceof AppError ? (cause.details ?? null) : null,
        zodError: cause instanceof ZodError ? z.flattenError(cause) : null,
      },
    }
  },
})

const log = logger.child({ module: 'trpc' })

/** Maps AppError → TRPCError and logs anything unexpected exactly once. */
const appErrors = t.middleware(async ({ next, path, type }) => {
  const result = await next()
  if (!result.ok) {
    const cause = result.error.cause
    if (cause instanceof AppError) {
      throw new TRPCError({ code: TRPC_CODE_OF[cause.code], message: cause.message, cause })
    }
    if (result.error.code === 'INTERNAL_SERVER_ERROR') {
      log.error({ err: cause ?? result.error, path, type }, 'unexpected error in procedure')
    }
  }
  return result
})

export const createTRPCRouter = t.router
export const createCallerFactory = t.createCallerFactory
export const publicProcedure = t.procedure.use(appErrors)

/** Admin-only procedures; rejects until an admin session exists (admin auth lands with /ops). */
export const adminProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.session?.kind !== 'admin') {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Admin session required' })
  }
  return next({ ctx: { ...ctx, session: ctx.session } })
})

/** `Retry-After` for 429/503 answers, derived from the AppError's hint. */
export function responseMeta({ errors }: { errors: TRPCErrorType[] }): { headers?: Headers } {
  const retry = errors
    .map((e) => (e.cause instanceof AppError ? e.cause.retryAfterSeconds : undefined))
    .find((s): s is number => typeof s === 'number')
  if (retry === undefined) return {}
  return { headers: new Headers({ 'Retry-After': String(Math.max(1, Math.ceil(retry))) }) }
}
