/**
 * Rate limiting with @upstash/ratelimit, one POLICIES table. Limiters are created once
 * per process and kept on globalThis (so every Next route bundle shares them, and the
 * in-memory ephemeral cache actually remembers blocked identifiers).
 *
 * Each policy names its fail mode for when Redis is slow or down:
 *  - `open`: let the request through (browsing must never fail because a limiter did);
 *  - `closed`: refuse with 503 and a retry hint (checkout and login must not go unguarded).
 *
 * Runtime overrides: an operator can change a policy's `limit` from /ops. Overrides live in
 * Redis (runtime-settings.ts: one hash, who and when recorded) and are read through the
 * ≤ 2 s in-process cache; a policy's limiter is rebuilt when its limit changes. When Redis
 * cannot be read the last known overrides stay in force.
 */
import { Ratelimit } from '@upstash/ratelimit'
import { z } from 'zod'
import { withDeadline } from './deadline'
import { AppError } from './errors'
import { logger } from './logger'
import { metrics } from './metrics'
import { key, redis } from './redis'
import { createSettingsHash, createSettingsTable, specsFor, type SettingSpec, type SettingsHash } from './runtime-settings'

type Duration = `${number} s`

export interface Policy {
  algorithm: 'slidingWindow' | 'fixedWindow'
  limit: number
  window: Duration
  /** What one allowance belongs to: the client address (its IPv6 /64), or the shopper session. */
  key: 'ip' | 'session'
  failMode: 'open' | 'closed'
  /** How long to wait for Redis before applying the fail mode. */
  timeoutMs: number
  /** What a shopper is told when limited (the UI adds "try again in N s"). */
  message: string
  /** What the policy counts: the calls it is applied to (shown on /ops and in the runbook). */
  scope: string
  /** A per-client policy checked with this per-session one: dropping the cookie buys no fresh allowance. */
  backstop?: string
}

/**
 * Every limit the store applies, and where. Each call counts once, also inside a tRPC batch
 * (the batch itself is capped at MAX_TRPC_BATCH_CALLS calls, server/trpc/batch-limit.ts).
 * The client address comes from server/platform/client-identity.ts, never from a header a
 * client chose. Pages served from the page cache are the CDN's to limit, not these.
 */
/**
 * Waiting-room polls and leaves per shopper session and minute: twice what the fastest honest
 * poller sends (one poll per MIN_POLL_INTERVAL_MS = 1 s). Early polls are ignored anyway, so this
 * only stops abuse; it fails open (a limiter hiccup must not cost a shopper the place).
 */
export const WAITING_ROOM_CALLS_PER_MINUTE = 120

export const POLICIES = {
  browse: {
    algorithm: 'slidingWindow',
    limit: 600,
    window: '10 s',
    key: 'ip',
    failMode: 'open',
    timeoutMs: 250,
    message: 'You are browsing very fast.',
    scope: 'every public read over HTTP: catalog.* queries, flags.enabled, the reviews and recommendations widgets, auth.me, GET /api/stock/{id}, the /search page',
  },
  search: {
    algorithm: 'slidingWindow',
    limit: 60,
    window: '60 s',
    key: 'ip',
    failMode: 'open',
    timeoutMs: 250,
    message: 'You are searching very fast.',
    scope: 'catalog.search and the /search page, on top of browse: each new query is a full-text search in PostgreSQL',
  },
  cart: {
    algorithm: 'slidingWindow',
    limit: 60,
    window: '10 s',
    key: 'session',
    failMode: 'open',
    timeoutMs: 250,
    message: 'Too many cart changes at once.',
    scope: 'cart.* and orders.* calls of one shopper session',
    backstop: 'cartPerClient',
  },
  cartPerClient: {
    algorithm: 'slidingWindow',
    limit: 600,
    window: '10 s',
    key: 'ip',
    failMode: 'open',
    timeoutMs: 250,
    message: 'Too many cart changes from your network.',
    scope: 'cart.* and orders.* calls per client address, beside the per-session limit (each new session is Redis memory)',
  },
  checkout: {
    algorithm: 'slidingWindow',
    limit: 30,
    window: '60 s',
    key: 'session',
    failMode: 'closed',
    timeoutMs: 500,
    message: 'Too many checkout attempts.',
    scope: 'checkout.placeOrder calls of one shopper session',
    backstop: 'checkoutPerClient',
  },
  checkoutPerClient: {
    algorithm: 'slidingWindow',
    limit: 120,
    window: '60 s',
    key: 'ip',
    // The per-session `checkout` policy already fails closed when Redis is down; a slow answer
    // from this second check must not refuse shoppers the first one let through.
    failMode: 'open',
    timeoutMs: 500,
    message: 'Too many checkout attempts from your network.',
    scope: 'checkout.placeOrder calls per client address, beside the per-session limit (room for a shared office or campus address)',
  },
  waitingRoom: {
    algorithm: 'slidingWindow',
    limit: WAITING_ROOM_CALLS_PER_MINUTE,
    window: '60 s',
    key: 'session',
    failMode: 'open',
    timeoutMs: 250,
    message: 'You are checking your place in line very often.',
    scope: 'checkout.pollTicket and checkout.leaveLine calls of one shopper session (early polls are ignored anyway; this only stops abuse)',
  },
  adminLogin: {
    algorithm: 'fixedWindow',
    limit: 5,
    window: '300 s',
    key: 'ip',
    failMode: 'closed',
    timeoutMs: 1_000,
    message: 'Too many login attempts.',
    scope: 'auth.login attempts per client address',
  },
} as const satisfies Record<string, Policy>

export type PolicyName = keyof typeof POLICIES

/** Compile-time check: every `backstop` names a policy of this table. */
type BackstopNames = { [P in PolicyName]: (typeof POLICIES)[P] extends { backstop: infer B } ? B : never }[PolicyName]
const _backstopsArePolicies: Exclude<BackstopNames, PolicyName> extends never ? true : false = true
void _backstopsArePolicies
export const POLICY_NAMES = Object.keys(POLICIES) as PolicyName[]

/** Bounds of an operator's override: at least one request per window, at most this many. */
export const MIN_POLICY_LIMIT = 1
export const MAX_POLICY_LIMIT = 100_000
export const policyLimitSchema = z.number().int().min(MIN_POLICY_LIMIT).max(MAX_POLICY_LIMIT)

/** The overrides: one setting per policy, its default the policy's own limit. */
const overridesTable = createSettingsTable(
  'rate-limit policy',
  specsFor(POLICY_NAMES, (name): SettingSpec<number> => ({
    schema: policyLimitSchema,
    default: POLICIES[name].limit,
    takes: `a whole number from ${MIN_POLICY_LIMIT} to ${MAX_POLICY_LIMIT}`,
  })),
)

/** Seconds a fail-closed policy asks the caller to wait when Redis did not answer. */
export const FAIL_CLOSED_RETRY_SECONDS = 2

export interface RateLimitView {
  policy: PolicyName
  limit: number
  defaultLimit: number
  window: Duration
  key: Policy['key']
  failMode: Policy['failMode']
  scope: string
  /** Who overrode the limit and when; null when the default applies. */
  changedBy: string | null
  changedAt: Date | null
}

function createLimiter(name: PolicyName, policy: Policy, limit: number): Ratelimit {
  return new Ratelimit({
    redis,
    limiter:
      policy.algorithm === 'slidingWindow'
        ? Ratelimit.slidingWindow(limit, policy.window)
        : Ratelimit.fixedWindow(limit, policy.window),
    prefix: key('rl', name),
    ephemeralCache: new Map(),
    // 0: no timer of the library's own; enforce() bounds the call with withDeadline (its
    // timer would fire against an answer already received after the event loop was blocked).
    timeout: 0,
    analytics: false,
  })
}

const log = logger.child({ module: 'ratelimit' })
/** A stalled Redis fails every call: say so at most this often (ms), not once per request. */
const UNAVAILABLE_LOG_EVERY_MS = 10_000

type Limiters = Map<PolicyName, { limit: number; limiter: Ratelimit }>

/**
 * The rate limits over one overrides store and one set of limiters. The app's state is
 * shared by every Next route bundle (see below); tests make their own over a store of their own.
 */
export function createRateLimits(overrides: SettingsHash, limiters: Limiters = new Map()) {
  let lastUnavailableLog = 0
  async function limiterFor(name: PolicyName): Promise<Ratelimit> {
    const limit = await overridesTable.value(overrides, name)
    let current = limiters.get(name)
    if (!current || current.limit !== limit) {
      current = { limit, limiter: createLimiter(name, POLICIES[name], limit) }
      limiters.set(name, current)
      if (limit !== POLICIES[name].limit) log.info({ policy: name, limit }, 'rate-limit override in force')
    }
    return current.limiter
  }

  return {
    /** Throws RATE_LIMITED (429 + Retry-After) or, for a fail-closed policy without Redis, UNAVAILABLE (503). */
    async enforce(name: PolicyName, identifier: string, now: () => number = Date.now): Promise<void> {
      const policy: Policy = POLICIES[name]
      const limiter = await limiterFor(name)
      let result: Awaited<ReturnType<Ratelimit['limit']>> | null = null
      try {
        result = await withDeadline(limiter.limit(identifier), policy.timeoutMs, () => new Error(`rate limiter timed out after ${policy.timeoutMs} ms`))
      } catch (error) {
        if (now() - lastUnavailableLog > UNAVAILABLE_LOG_EVERY_MS) {
          lastUnavailableLog = now()
          log.warn({ err: error, policy: name }, 'rate limiter unavailable')
        }
      }
      if (result === null) {
        if (policy.failMode === 'open') return
        metrics.rateLimitBlocks.inc({ policy: name, reason: 'unavailable' })
        throw new AppError('UNAVAILABLE', `${policy.message.replace(/\.$/, '')}: our limiter is not answering, so we are holding requests for a moment.`, {
          retryAfterSeconds: FAIL_CLOSED_RETRY_SECONDS,
        })
      }
      if (!result.success) {
        metrics.rateLimitBlocks.inc({ policy: name, reason: 'limit' })
        const retryAfterSeconds = Math.max(1, Math.ceil((result.reset - now()) / 1000))
        throw new AppError('RATE_LIMITED', policy.message, { retryAfterSeconds, details: { policy: name } })
      }
    },

    /** Every policy with its limit in force, its default and who changed it. */
    async list(): Promise<{ policies: RateLimitView[]; source: 'redis' | 'fallback' }> {
      const { states, source } = await overridesTable.states(overrides)
      const policies = states.map(({ name, value, changedBy, changedAt }): RateLimitView => {
        const policy: Policy = POLICIES[name]
        return { policy: name, limit: value, defaultLimit: policy.limit, window: policy.window, key: policy.key, failMode: policy.failMode, scope: policy.scope, changedBy, changedAt }
      })
      return { policies, source }
    },

    /**
     * Overrides a policy's limit fleet wide (`null`, or the default itself, restores the default).
     * An unknown policy or a limit outside [MIN_POLICY_LIMIT, MAX_POLICY_LIMIT] → BAD_INPUT, nothing stored.
     */
    async setLimit(name: unknown, limit: unknown, by: string): Promise<RateLimitView> {
      const known = overridesTable.nameSchema.safeParse(name)
      const value = known.success && limit === POLICIES[known.data].limit ? null : limit
      const policy = await overridesTable.set(overrides, name, value, by)
      const { policies } = await this.list()
      return policies.find((p) => p.policy === policy)!
    },
  }
}

export type RateLimits = ReturnType<typeof createRateLimits>

/**
 * Only the *state* (overrides cache, limiters with their ephemeral caches) lives on globalThis,
 * shared by every route bundle of the process. The functions are built per bundle: a shared
 * function would throw another bundle's AppError class, which this bundle's error middleware
 * would not recognise (`instanceof`) and would answer with a 500 instead of a 429.
 */
const globalForLimits = globalThis as unknown as { __rateLimitState?: { overrides: SettingsHash; limiters: Limiters } }
const state = (globalForLimits.__rateLimitState ??= {
  overrides: createSettingsHash({ name: 'ratelimit-overrides', onError: 'last-known' }),
  limiters: new Map(),
})
const rateLimits: RateLimits = createRateLimits(state.overrides, state.limiters)

/** The overrides' store of this process (read once at start: server/platform/prime-settings.ts). */
export const rateLimitOverrides: SettingsHash = state.overrides

/** Throws RATE_LIMITED (429 + Retry-After) or, for a fail-closed policy without Redis, UNAVAILABLE (503). */
export function enforceRateLimit(name: PolicyName, identifier: string, now: () => number = Date.now): Promise<void> {
  return rateLimits.enforce(name, identifier, now)
}

export function listRateLimits(): ReturnType<RateLimits['list']> {
  return rateLimits.list()
}

export function setRateLimit(name: unknown, limit: unknown, by: string): Promise<RateLimitView> {
  return rateLimits.setLimit(name, limit, by)
}
