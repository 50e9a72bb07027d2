/**
 * tRPC foundation: context, the single error formatter, and the procedure builders.
 *
 * Services throw AppError; the `appErrors` middleware turns it into a TRPCError with the
 * mapped code (so tRPC answers the right HTTP status), and `errorFormatter` adds the
 * domain code, retry hint and flattened zod issues to the error's `data`. `responseMeta`
 * turns a retry hint into a `Retry-After` header for the fetch adapter.
 */
import { initTRPC, TRPCError } from '@trpc/server'
import { getHTTPStatusCodeFromError } from '@trpc/server/http'
import type { TRPCError as TRPCErrorType } from '@trpc/server'
import superjson from 'superjson'
import { z, ZodError } from 'zod'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { nodeCookies, webCookies, type CookieJar } from 'iron-session'
import { readAdminSession } from '../auth/admin-session.service'
import { clientRateKey, type ClientIdentity } from '../platform/client-identity'
import { clientOfRequest } from '../platform/client-trust'
import { AppError } from '../platform/errors'
import { logger } from '../platform/logger'
import { isRedisUnavailable } from '../platform/redis'
import { POLICIES, type Policy, type PolicyName } from '../platform/rate-limit-policies'
import { enforceRateLimit } from '../platform/ratelimit'
import { outcomeOfStatus, requestStats } from '../platform/request-stats'
import type { AdminSeal } from '../session/session.schema'
import { SHOPPER_COOKIE } from '../session/session.schema'
import { invalidSessionError, readShopperSession, type ShopperSessionHandle } from '../session/session.service'
import { TRPC_CODE_OF } from './app-error-map'

/** How many zod issues a 400's message names (all of them are in `data.zodError`). */
export const MAX_ISSUES_IN_MESSAGE = 3

/**
 * A bad input's message for people: "Invalid input: ticket: This is not a waiting-room ticket;
 * lines.0.quantity: …" instead of tRPC's default, the issues' JSON (with regex sources and
 * internal codes). The structured issues stay in `data.zodError` for forms.
 */
export function readableInputError(error: ZodError): string {
  const named = error.issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((i) => {
    // zod's own messages start "Invalid input: …" too: say it once.
    const text = i.message.replace(/^Invalid input: /, '')
    if (i.path.length > 0) return `${i.path.join('.')}: ${text}`
    return i.code === 'invalid_type' && text.endsWith('received undefined') ? NO_INPUT_MESSAGE : text
  })
  const more = error.issues.length - named.length
  return `Invalid input: ${named.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`
}

/** A call whose body carried no input at all: most often a hand-made body without the wrapper. */
const NO_INPUT_MESSAGE = 'nothing was sent (a tRPC call sends its input as {"json": <input>}, superjson\'s format)'

/**
 * What a 4xx says when reading the input itself threw (not a zod refusal): a body nested so deep
 * that the deserializer ran out of stack, or superjson metadata that does not fit its values.
 * The exception's own text ("Maximum call stack size exceeded", a property name) says nothing a
 * client can act on.
 */
export const UNREADABLE_INPUT_MESSAGE =
  'Invalid input: the body could not be read as tRPC input ({"json": <input>} in superjson\'s format, nested at most a few hundred levels)'

/**
 * The message a client gets for `error`: a domain error's own, zod issues in words, tRPC's own
 * for its protocol errors (415, 405, …), and never an exception's text (internals on a 500, or
 * an unreadable input's stack overflow on a 400).
 */
function clientMessage(error: TRPCErrorType, shapeMessage: string): string {
  const cause = error.cause
  if (cause instanceof AppError) return shapeMessage
  if (error.code === 'INTERNAL_SERVER_ERROR') return 'Something went wrong on our side. Please try again.'
  if (cause instanceof ZodError) return error.code === 'BAD_REQUEST' ? readableInputError(cause) : shapeMessage
  // JSON.parse's SyntaxError names the position of the fault: useful, and no internals.
  if (cause instanceof Error && !(cause instanceof SyntaxError)) return UNREADABLE_INPUT_MESSAGE
  return shapeMessage
}

export interface Context {
  headers: Headers
  /**
   * Where the call came from: the HTTP endpoint, a page rendered for one request (it has a
   * client), or a shared page render (ISR: no request, no client, no limits).
   */
  source: 'http' | 'page' | 'rsc'
  /** Who sent the request (server/platform/client-identity.ts); null for shared page renders. */
  client: ClientIdentity | null
  /** Cookie access for the HTTP endpoint; RSC calls have none (shared pages stay cacheable). */
  cookies: CookieJar | null
  /** Lazily read shopper session (only procedures that need one pay for it). */
  shopperSession(): Promise<ShopperSessionHandle>
  /** Lazily read admin session, or null. */
  adminSession(): Promise<AdminSeal | null>
  /**
   * The per-client limits this page view was charged, by policy (`source: 'page'` only; null
   * elsewhere). A page rendered for one request is one view, whatever number of calls it makes
   * (`/search` asks for the flags, then for the results): each policy counts it once, and a
   * second call shares the first one's answer. Over HTTP every call counts, batched or not.
   */
  viewCharges: Map<PolicyName, Promise<void>> | null
}

const NO_SESSION: ShopperSessionHandle = {
  sid: null,
  invalid: false,
  ensure: () => Promise.reject(new AppError('UNAUTHENTICATED', 'This call needs a shopper session')),
}

/**
 * `client`: who sent the request, when the caller resolved it itself from the socket (a
 * standalone API server: `resolveClient(req.socket, req.headers, clientTrust)`). Without it,
 * HTTP and per-request page calls read what our Next server wrote into the headers.
 */
export async function createContext(opts: {
  headers: Headers
  source: Context['source']
  cookies?: CookieJar
  client?: ClientIdentity
}): Promise<Context> {
  const jar = opts.cookies ?? null
  let shopper: Promise<ShopperSessionHandle> | undefined
  let admin: Promise<AdminSeal | null> | undefined
  return {
    headers: opts.headers,
    source: opts.source,
    // Our server resolved the client and rewrote the forwarding headers before Next ran.
    client: opts.client ?? (opts.source === 'rsc' ? null : clientOfRequest(opts.headers)),
    cookies: jar,
    shopperSession: () => (shopper ??= jar ? readShopperSession(jar) : Promise.resolve(NO_SESSION)),
    adminSession: () => (admin ??= jar ? readAdminSession(jar) : Promise.resolve(null)),
    viewCharges: opts.source === 'page' ? new Map() : null,
  }
}

/** Context for the fetch adapter: cookies read from the request, written to the response. */
export function createHttpContext({ req, resHeaders }: { req: Request; resHeaders: Headers }): Promise<Context> {
  return createContext({ headers: req.headers, source: 'http', cookies: webCookies(req, resHeaders) })
}

/**
 * Context for @trpc/server's Node adapter (the API service, server/api/api-server.ts): the same
 * context as `createHttpContext`, with cookies read from the Node request and written to its
 * response (iron-session's `nodeCookies`), and the client the API server resolved from the
 * socket itself (`normalizeClientHeaders`, so `req.headers` already carries only what it vouches for).
 */
export function createNodeHttpContext(
  { req, res }: { req: IncomingMessage; res: ServerResponse },
  client: ClientIdentity,
): Promise<Context> {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item)
    else if (value !== undefined) headers.set(name, value)
  }
  return createContext({ headers, source: 'http', cookies: nodeCookies(req, res), client })
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Stacks go to the logs, never into responses (not even in development builds).
  isDev: false,
  errorFormatter({ shape, error }) {
    const cause = error.cause
    return {
      ...shape,
      // An exception's message may carry internals (SQL, hosts, secrets): never send it.
      message: clientMessage(error, shape.message),
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

/** What a shopper sees when Redis (sessions, carts, limits) is not answering. */
export const REDIS_DOWN_MESSAGE = 'Our store is catching its breath. Please try again in a few seconds.'
export const REDIS_DOWN_RETRY_SECONDS = 2

/** Maps AppError → TRPCError and logs anything unexpected exactly once. */
const appErrors = t.middleware(async ({ next, path, type }) => {
  const result = await next()
  if (!result.ok) {
    const cause = result.error.cause
    if (cause instanceof AppError) {
      throw new TRPCError({ code: TRPC_CODE_OF[cause.code], message: cause.message, cause })
    }
    if (result.error.code === 'INTERNAL_SERVER_ERROR' && isRedisUnavailable(cause)) {
      log.warn({ err: cause, path, type }, 'redis unavailable: request shed with 503')
      const shed = new AppError('UNAVAILABLE', REDIS_DOWN_MESSAGE, { retryAfterSeconds: REDIS_DOWN_RETRY_SECONDS, cause })
      throw new TRPCError({ code: TRPC_CODE_OF.UNAVAILABLE, message: shed.message, cause: shed })
    }
    if (result.error.code === 'INTERNAL_SERVER_ERROR') {
      log.error({ err: cause ?? result.error, path, type }, 'unexpected error in procedure')
    }
  }
  return result
})

/**
 * Latency and outcome of every procedure called over HTTP, for /ops (server-side renders
 * are timed as the page they belong to). O(1) per call: server/platform/request-stats.ts.
 */
const timing = t.middleware(async ({ ctx, path, next }) => {
  if (ctx.source !== 'http') return next()
  const started = performance.now()
  const result = await next()
  requestStats.record(path, performance.now() - started, result.ok ? 'ok' : outcomeOfStatus(getHTTPStatusCodeFromError(result.error)))
  return result
})

export const createTRPCRouter = t.router
export const createCallerFactory = t.createCallerFactory
export const publicProcedure = t.procedure.use(timing).use(appErrors)

/**
 * Procedures that act for a shopper: a valid session is found or created (its cookie set on
 * the response); a tampered cookie is refused with 401 and cleared, and nothing is written.
 */
export const shopperProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const session = await ctx.shopperSession()
  if (session.invalid) {
    ctx.cookies?.write(SHOPPER_COOKIE, '', { maxAge: 0, path: '/' })
    throw invalidSessionError()
  }
  const sid = await session.ensure()
  return next({ ctx: { ...ctx, sid } })
})

type PolicyKeyedBy<K extends 'ip' | 'session'> = {
  [P in PolicyName]: (typeof POLICIES)[P]['key'] extends K ? P : never
}[PolicyName]

/**
 * Counts one call against a per-client policy, or, in a page rendered for one request, the view
 * once (`Context.viewCharges`); shared page renders (no client) are not limited.
 */
function enforcePerClient(policy: PolicyKeyedBy<'ip'>, ctx: Context): Promise<void> {
  const client = ctx.client
  if (!client) return Promise.resolve()
  const charged = ctx.viewCharges?.get(policy)
  if (charged) return charged
  const charge = enforceRateLimit(policy, clientRateKey(client.address))
  ctx.viewCharges?.set(policy, charge)
  return charge
}

/**
 * A per-session policy and its per-client backstop are asked at once (one Redis round trip of
 * latency, not two: a checkout burst must not wait out the limiter twice); the session's
 * refusal wins when both refuse.
 */
const limitedPerSession = (policy: PolicyKeyedBy<'session'>) =>
  shopperProcedure.use(async ({ ctx, next }) => {
    const backstop: Policy['backstop'] = (POLICIES[policy] as Policy).backstop
    const [session, client] = await Promise.allSettled([
      enforceRateLimit(policy, ctx.sid),
      backstop ? enforcePerClient(backstop as PolicyKeyedBy<'ip'>, ctx) : Promise.resolve(),
    ])
    if (session.status === 'rejected') throw session.reason
    if (client.status === 'rejected') throw client.reason
    return next()
  })

const limitedPerClient = (policy: PolicyKeyedBy<'ip'>) =>
  publicProcedure.use(async ({ ctx, next }) => {
    await enforcePerClient(policy, ctx)
    return next()
  })

/**
 * A procedure limited by the named policy, keyed per shopper session or per client address as
 * the policy says; a per-session policy's `backstop` is checked after it, per client address.
 */
export function rateLimited(policy: PolicyKeyedBy<'session'>): ReturnType<typeof limitedPerSession>
export function rateLimited(policy: PolicyKeyedBy<'ip'>): ReturnType<typeof limitedPerClient>
export function rateLimited(policy: PolicyName) {
  return POLICIES[policy].key === 'session'
    ? limitedPerSession(policy as PolicyKeyedBy<'session'>)
    : limitedPerClient(policy as PolicyKeyedBy<'ip'>)
}

/** Every public read: the `browse` policy per client address (each call of a batch counts). */
export const browseProcedure = rateLimited('browse')

/** Full-text search: `browse`, then `search`. */
export const searchProcedure = browseProcedure.use(async ({ ctx, next }) => {
  await enforcePerClient('search', ctx)
  return next()
})

/**
 * True when a state-changing request comes from our own origin (CSRF defence for admin
 * calls): Origin must equal scheme://Host, with the scheme our server established from the
 * socket or a trusted proxy. X-Forwarded-Host is never consulted (a client can send it).
 */
export function sameOrigin(headers: Headers, client: ClientIdentity | null): boolean {
  const origin = headers.get('origin')
  const host = headers.get('host')
  if (!origin || !host || !client) return false
  try {
    return new URL(origin).origin === new URL(`${client.protocol}://${host}`).origin
  } catch {
    return false
  }
}

/** Admin-only procedures: an admin session is required; mutations must come from our origin. */
export const adminProcedure = publicProcedure.use(async ({ ctx, next, type }) => {
  const admin = await ctx.adminSession()
  if (!admin) throw new AppError('UNAUTHENTICATED', 'Admin session required')
  if (type === 'mutation' && !sameOrigin(ctx.headers, ctx.client)) {
    throw new AppError('FORBIDDEN', 'Admin changes must come from the ops dashboard (Origin check failed)')
  }
  return next({ ctx: { ...ctx, admin } })
})

/**
 * Response headers for the tRPC endpoint: `Retry-After` for 429/503 answers (from the
 * AppError's hint), and `private, no-store` on everything — answers are per shopper or
 * must be fresh; shared, cacheable data is served by the pages, not by tRPC.
 */
export function responseMeta({ errors }: { errors: TRPCErrorType[] }): { headers: Headers } {
  const headers = new Headers({ 'Cache-Control': 'private, no-store' })
  const retry = errors
    .map((e) => (e.cause instanceof AppError ? e.cause.retryAfterSeconds : undefined))
    .find((s): s is number => typeof s === 'number')
  if (retry !== undefined) headers.set('Retry-After', String(Math.max(1, Math.ceil(retry))))
  return { headers }
}
