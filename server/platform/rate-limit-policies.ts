/**
 * The store's rate-limit policies: one table of what is limited, by how much, per what and in
 * which window, with no I/O of its own (server/platform/ratelimit.ts enforces it with
 * @upstash/ratelimit; tests read it without opening a Redis client).
 */

/** A limiter window, in @upstash/ratelimit's notation (whole seconds here). */
export type Duration = `${number} s`

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

/** A policy's window in milliseconds. */
export function policyWindowMs(name: PolicyName): number {
  return Number.parseInt(POLICIES[name].window, 10) * 1_000
}
