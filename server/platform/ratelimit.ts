/**
 * Rate limiting with @upstash/ratelimit, one POLICIES table. Limiters are created once
 * per process at module scope (kept on globalThis so every Next route bundle shares
 * them, and the in-memory ephemeral cache actually remembers blocked identifiers).
 *
 * Each policy names its fail mode for when Redis is slow or down:
 *  - `open`: let the request through (browsing must never fail because a limiter did);
 *  - `closed`: refuse with 503 and a retry hint (checkout and login must not go unguarded).
 */
import { Ratelimit } from '@upstash/ratelimit'
import { AppError } from './errors'
import { logger } from './logger'
import { metrics } from './metrics'
import { key, redis } from './redis'

type Duration = `${number} s`

export interface Policy {
  algorithm: 'slidingWindow' | 'fixedWindow'
  limit: number
  window: Duration
  /** What one allowance belongs to. */
  key: 'ip' | 'session'
  failMode: 'open' | 'closed'
  /** How long to wait for Redis before applying the fail mode. */
  timeoutMs: number
  /** What a shopper is told when limited (the UI adds "try again in N s"). */
  message: string
}

export const POLICIES = {
  browse: {
    algorithm: 'slidingWindow',
    limit: 600,
    window: '10 s',
    key: 'ip',
    failMode: 'open',
    timeoutMs: 250,
    message: 'You are browsing very fast.',
  },
  cart: {
    algorithm: 'slidingWindow',
    limit: 60,
    window: '10 s',
    key: 'session',
    failMode: 'open',
    timeoutMs: 250,
    message: 'Too many cart changes at once.',
  },
  checkout: {
    algorithm: 'slidingWindow',
    limit: 30,
    window: '60 s',
    key: 'session',
    failMode: 'closed',
    timeoutMs: 500,
    message: 'Too many checkout attempts.',
  },
  adminLogin: {
    algorithm: 'fixedWindow',
    limit: 5,
    window: '300 s',
    key: 'ip',
    failMode: 'closed',
    timeoutMs: 1_000,
    message: 'Too many login attempts.',
  },
} as const satisfies Record<string, Policy>

export type PolicyName = keyof typeof POLICIES

/** Seconds a fail-closed policy asks the caller to wait when Redis did not answer. */
export const FAIL_CLOSED_RETRY_SECONDS = 2

function createLimiter(name: PolicyName, policy: Policy): Ratelimit {
  return new Ratelimit({
    redis,
    limiter:
      policy.algorithm === 'slidingWindow'
        ? Ratelimit.slidingWindow(policy.limit, policy.window)
        : Ratelimit.fixedWindow(policy.limit, policy.window),
    prefix: key('rl', name),
    ephemeralCache: new Map(),
    timeout: policy.timeoutMs,
    analytics: false,
  })
}

const globalForLimiters = globalThis as unknown as { __limiters?: Map<PolicyName, Ratelimit> }
const limiters = (globalForLimiters.__limiters ??= new Map(
  (Object.keys(POLICIES) as PolicyName[]).map((name) => [name, createLimiter(name, POLICIES[name])]),
))

const log = logger.child({ module: 'ratelimit' })

/** Throws RATE_LIMITED (429 + Retry-After) or, for a fail-closed policy without Redis, UNAVAILABLE (503). */
export async function enforceRateLimit(name: PolicyName, identifier: string, now: () => number = Date.now): Promise<void> {
  const policy: Policy = POLICIES[name]
  const limiter = limiters.get(name)!
  let result: Awaited<ReturnType<Ratelimit['limit']>> | null = null
  try {
    result = await limiter.limit(identifier)
  } catch (error) {
    log.warn({ err: error, policy: name }, 'rate limiter unavailable')
  }
  const unavailable = result === null || result.reason === 'timeout'
  if (unavailable) {
    if (policy.failMode === 'open') return
    metrics.rateLimitBlocks.inc({ policy: name, reason: 'unavailable' })
    throw new AppError('UNAVAILABLE', `${policy.message.replace(/\.$/, '')}: our limiter is not answering, so we are holding requests for a moment.`, {
      retryAfterSeconds: FAIL_CLOSED_RETRY_SECONDS,
    })
  }
  if (!result!.success) {
    metrics.rateLimitBlocks.inc({ policy: name, reason: 'limit' })
    const retryAfterSeconds = Math.max(1, Math.ceil((result!.reset - now()) / 1000))
    throw new AppError('RATE_LIMITED', policy.message, { retryAfterSeconds, details: { policy: name } })
  }
}
