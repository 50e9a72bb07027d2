/**
 * Rate limiting with @upstash/ratelimit over one POLICIES table (rate-limit-policies.ts). Limiters are created once
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
import { POLICIES, POLICY_NAMES, type Duration, type Policy, type PolicyName } from './rate-limit-policies'
import { key, redis } from './redis'
import { createSettingsHash, createSettingsTable, specsFor, type SettingSpec, type SettingsHash } from './runtime-settings'

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
