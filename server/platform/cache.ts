/**
 * The Redis data cache (through @upstash/redis), in one place:
 *  - `keys`: every key the catalog caches, named once (all through `key()`, so prefixed);
 *  - `TAGS`: the page cache tags (per entity plus listing tags; never one global tag);
 *  - `TTL`: the TTL table, with jitter so keys filled together do not expire together;
 *  - `createCache()`: read-through with single-flight per key per process,
 *    stale-while-revalidate, zod-parsed JSON values (never `eval`), malformed entries
 *    treated as misses and overwritten, and a *set-if-newer* write (a Lua compare on the
 *    entry's `version`) so a slow reader can never put an older row back.
 *
 * Redis is an accelerator, never a dependency: every Redis error or timeout is logged
 * (rate-limited), counted in `metrics.cacheEvents{layer="redis",event="error"}` and answered
 * from the loader (PostgreSQL). After an error the cache is bypassed for a short while
 * (`bypass` events) so a dead Redis does not add its timeout to every request.
 *
 * Single-flight and the breaker are a Map and two numbers: hand-written because the npm
 * single-flight packages are tiny, unmaintained and know nothing about our Redis envelope.
 */
import type { Redis } from '@upstash/redis'
import { z } from 'zod'
import { withDeadline } from './deadline'
import { logger } from './logger'
import { metrics } from './metrics'
import { key, redis as appRedis } from './redis'
import { retryInBackground } from './retry-in-background'

export const keys = {
  /** One product (detail + `active` + `version`), the single source for cards, pages and the cart. */
  product: (id: number) => key('product', id),
  /** slug → product id; slugs never change, so this only expires to bound memory. */
  productSlug: (slug: string) => key('product-slug', slug),
  /** Live stock of one product (the badge and sold-out checks). */
  stock: (id: number) => key('stock', id),
  categories: () => key('categories'),
  /** Generation counter of a listing: bumping it orphans every cached page of that listing. */
  listingGeneration: (listing: string) => key('listing-gen', listing),
  categoryPage: (slug: string, generation: number, sort: string, page: number) =>
    key('category-page', slug, generation, sort, page),
  hotDeals: (generation: number, limit: number) => key('hot-deals', generation, limit),
  search: (generation: number, queryHash: string) => key('search', generation, queryHash),
  /** Shopper sessions (`TTL.session`, slid by activity). */
  session: (id: string) => key('session', id),
  /** A shopper's cart: hash productId → quantity (`TTL.cart`, slid by activity). */
  cart: (sessionId: string) => key('cart', sessionId),
  /** Checkout idempotency records (`TTL.idempotency`), scoped to the session that sent the key (IETF Idempotency-Key draft). */
  idempotency: (sid: string, idempotencyKey: string) => key('idem', sid, idempotencyKey),
  /** Sold-out gate of a hot SKU: the product's name once its committed stock hit zero (`TTL.soldOutGate`). */
  soldOutGate: (productId: number) => key('soldout', productId),
  /** The newest `restockSeq` a gate was reopened for: a zero older than that may not close it again. */
  soldOutGateSeq: (productId: number) => key('soldout-seq', productId),
  /** The page-tag invalidation log shared by every Next instance (server/platform/tag-log.ts). */
  pageTagLog: () => key('page-tags'),
} as const

/** Listing generation names (for `keys.listingGeneration`). */
export const LISTINGS = {
  category: (slug: string) => `category:${slug}`,
  hotDeals: 'hot-deals',
  search: 'search',
} as const

/** Next.js page cache tags. Per entity, plus one tag per listing; there is no catch-all tag. */
export const TAGS = {
  product: (id: number) => `product:${id}`,
  /**
   * A product page by its address, known before the product is: a page that rendered a 404
   * (inactive or unknown product) carries it, so reactivating the product invalidates the
   * cached 404 too.
   */
  productPage: (slug: string) => `product-page:${slug}`,
  category: (slug: string) => `category:${slug}`,
  hotDeals: 'listing:hot-deals',
  categories: 'listing:categories',
} as const

export interface CachePolicy {
  /** Time an entry is fresh. */
  ttlMs: number
  /** Extra random fraction of `ttlMs` added per write (0.1 → up to +10 %). */
  jitter: number
  /** After `ttlMs`, how long the entry may still be served while one caller refreshes it. */
  staleMs: number
}

const s = 1000
/** The TTL table. Seconds are the product decisions; jitter spreads expiries of keys filled together. */
export const TTL = {
  hotProduct: { ttlMs: 600 * s, jitter: 0.1, staleMs: 60 * s },
  product: { ttlMs: 1_800 * s, jitter: 0.1, staleMs: 120 * s },
  productSlug: { ttlMs: 86_400 * s, jitter: 0.1, staleMs: 0 },
  category: { ttlMs: 1_800 * s, jitter: 0.1, staleMs: 120 * s },
  hotDeals: { ttlMs: 600 * s, jitter: 0.1, staleMs: 60 * s },
  session: { ttlMs: 3_600 * s, jitter: 0, staleMs: 0 },
  cart: { ttlMs: 3_600 * s, jitter: 0, staleMs: 0 },
  /** Kept well past the 24 h a client may retry a checkout with the same key. */
  idempotency: { ttlMs: 48 * 3_600 * s, jitter: 0, staleMs: 0 },
  /** A gate outlives no real sale: it self-heals if a release's clear is ever lost. */
  soldOutGate: { ttlMs: 300 * s, jitter: 0, staleMs: 0 },
  search: { ttlMs: 300 * s, jitter: 0.1, staleMs: 30 * s },
  /**
   * 0.8-1 s, never served stale: a sold-out badge must not lag. An admin stock change deletes
   * the entry; a reader that loaded the old figure just before can put it back for at most
   * this long, which the propagation deadline (server/catalog/propagation.ts) budgets for.
   */
  stock: { ttlMs: 800, jitter: 0.25, staleMs: 0 },
} as const satisfies Record<string, CachePolicy>

/** Fresh lifetime of one write under `policy`: `ttlMs` plus up to `jitter × ttlMs`. */
export function jitteredTtlMs(policy: CachePolicy, random: () => number = Math.random): number {
  return Math.round(policy.ttlMs * (1 + policy.jitter * random()))
}

/** What is stored under a key: the value, when it stops being fresh, and its row version. */
const envelopeSchema = z.object({ v: z.unknown(), fresh: z.number(), ver: z.number().int().optional() })

/**
 * Set-if-newer: writes ARGV[1] (the JSON envelope) with PX ARGV[3] unless the stored
 * envelope carries a *higher* version than ARGV[2]. Equal versions rewrite (refreshing the
 * TTL); a malformed stored value is overwritten. Runs atomically inside Redis.
 */
export const SET_IF_NEWER_LUA = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' then
    local stored = tonumber(decoded['ver'])
    if stored and stored > tonumber(ARGV[2]) then return 0 end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1
`

export interface CacheDeps {
  redis: Redis
  now?: () => number
  random?: () => number
  /** A Redis call slower than this counts as an error and is answered from the loader. */
  timeoutMs?: number
  /** After an error, Redis is skipped for this long. */
  bypassMs?: number
  layer?: string
}

export interface ReadOptions<T> {
  /** The row version inside a value; present → fills use set-if-newer. */
  version?: (value: T) => number
}

/** A fixed policy, or one chosen from the loaded value (e.g. hot products expire sooner). */
export type PolicyFor<T> = CachePolicy | ((value: T) => CachePolicy)

export type CacheEvent = 'hit' | 'miss' | 'stale' | 'fill' | 'refused' | 'invalid' | 'error' | 'bypass' | 'evicted'

/**
 * What `replace` did: the new value is stored (`written`), a newer one already was
 * (`newer-kept`), the write failed and the entry was deleted instead (`deleted`), or both
 * failed and the delete is being retried in the background (`retrying`).
 */
export type ReplaceOutcome = 'written' | 'newer-kept' | 'deleted' | 'retrying'

export function createCache(deps: CacheDeps) {
  const { redis } = deps
  const now = deps.now ?? Date.now
  const random = deps.random ?? Math.random
  const timeoutMs = deps.timeoutMs ?? 500
  const bypassMs = deps.bypassMs ?? 2_000
  const layer = deps.layer ?? 'redis'
  const log = logger.child({ module: 'cache', layer })
  const inFlight = new Map<string, Promise<unknown>>()
  const refreshing = new Set<string>()
  const setIfNewer = redis.createScript<number>(SET_IF_NEWER_LUA)
  let bypassUntil = 0
  let lastErrorLog = 0

  const count = (event: CacheEvent, n = 1) => metrics.cacheEvents.inc({ layer, event }, n)

  function available(): boolean {
    if (now() < bypassUntil) {
      count('bypass')
      return false
    }
    return true
  }

  function failed(error: unknown, op: string): void {
    count('error')
    bypassUntil = now() + bypassMs
    if (now() - lastErrorLog > 10_000) {
      lastErrorLog = now()
      log.warn({ err: error, op }, 'redis unavailable: serving from the database')
    }
  }

  /**
   * Runs one Redis call with the timeout; `{ ok: false }` (after counting) when it fails.
   * `force` skips the breaker: invalidations after an admin change are never "bypassed".
   */
  async function guarded<R>(op: string, call: () => Promise<R>, force = false): Promise<{ ok: true; value: R } | { ok: false }> {
    if (!force && !available()) return { ok: false }
    try {
      return { ok: true, value: await withDeadline(call(), timeoutMs, () => new Error(`redis ${op} timed out after ${timeoutMs} ms`)) }
    } catch (error) {
      failed(error, op)
      return { ok: false }
    }
  }

  function envelope(value: unknown, policy: CachePolicy, version: number | undefined) {
    const freshMs = jitteredTtlMs(policy, random)
    const body = JSON.stringify({ v: value, fresh: now() + freshMs, ...(version === undefined ? {} : { ver: version }) })
    return { body, pxMs: Math.max(1, freshMs + policy.staleMs) }
  }

  /** One write; `null` when Redis failed (or was bypassed), else whether it was stored. */
  async function tryWrite(cacheKey: string, policy: CachePolicy, value: unknown, version: number | undefined, force: boolean): Promise<boolean | null> {
    const { body, pxMs } = envelope(value, policy, version)
    const result = await guarded(
      'write',
      () =>
        version === undefined
          ? redis.set(cacheKey, body, { px: pxMs }).then(() => 1)
          : setIfNewer.exec([cacheKey], [body, String(version), String(pxMs)]),
      force,
    )
    if (!result.ok) return null
    const written = Number(result.value) === 1
    count(written ? 'fill' : 'refused')
    return written
  }

  /** Writes one value; with `version`, only if no newer version is stored. Resolves whether it was written. */
  async function write(cacheKey: string, policy: CachePolicy, value: unknown, version?: number): Promise<boolean> {
    return (await tryWrite(cacheKey, policy, value, version, false)) === true
  }

  /** Deletes `cacheKeys` past the breaker; on failure keeps trying in the background. */
  async function evict(...cacheKeys: string[]): Promise<'done' | 'retrying'> {
    if (cacheKeys.length === 0) return 'done'
    const del = async () => (await guarded('del', () => redis.del(...cacheKeys), true)).ok
    if (await del()) {
      count('evicted', cacheKeys.length)
      return 'done'
    }
    retryInBackground(`${layer}:evict:${cacheKeys.join(',')}`, del)
    return 'retrying'
  }

  type Lookup<T> = { kind: 'fresh' | 'stale'; value: T } | { kind: 'miss' } | { kind: 'down' }

  function decode<T>(raw: unknown, schema: z.ZodType<T>): Lookup<T> {
    if (raw === null || raw === undefined) return { kind: 'miss' }
    const outer = envelopeSchema.safeParse(raw)
    const inner = outer.success ? schema.safeParse(outer.data.v) : undefined
    if (!outer.success || !inner?.success) {
      count('invalid')
      return { kind: 'miss' }
    }
    return { kind: now() < outer.data.fresh ? 'fresh' : 'stale', value: inner.data }
  }

  async function lookup<T>(cacheKey: string, schema: z.ZodType<T>): Promise<Lookup<T>> {
    const raw = await guarded('get', () => redis.get<unknown>(cacheKey))
    return raw.ok ? decode(raw.value, schema) : { kind: 'down' }
  }

  async function loadAndFill<T>(cacheKey: string, policy: PolicyFor<T>, load: () => Promise<T>, opts: ReadOptions<T>) {
    const value = await load()
    await write(cacheKey, typeof policy === 'function' ? policy(value) : policy, value, opts.version?.(value))
    return value
  }

  function refreshInBackground<T>(cacheKey: string, policy: PolicyFor<T>, load: () => Promise<T>, opts: ReadOptions<T>) {
    if (refreshing.has(cacheKey)) return
    refreshing.add(cacheKey)
    loadAndFill(cacheKey, policy, load, opts)
      .catch((error: unknown) => log.warn({ err: error, key: cacheKey }, 'background refresh failed'))
      .finally(() => refreshing.delete(cacheKey))
  }

  /** Single-flight: concurrent callers for one key in this process share one promise. */
  function once<T>(cacheKey: string, run: () => Promise<T>): Promise<T> {
    const pending = inFlight.get(cacheKey) as Promise<T> | undefined
    if (pending) return pending
    const promise = run().finally(() => inFlight.delete(cacheKey))
    inFlight.set(cacheKey, promise)
    return promise
  }

  return {
    /**
     * The value under `cacheKey`, or `load()`'s (then cached). A stale entry is returned
     * at once while one caller refreshes it in the background.
     */
    readThrough<T>(cacheKey: string, policy: PolicyFor<T>, schema: z.ZodType<T>, load: () => Promise<T>, opts: ReadOptions<T> = {}): Promise<T> {
      return once(cacheKey, async () => {
        const found = await lookup(cacheKey, schema)
        if (found.kind === 'fresh') {
          count('hit')
          return found.value
        }
        if (found.kind === 'stale') {
          count('stale')
          refreshInBackground(cacheKey, policy, load, opts)
          return found.value
        }
        if (found.kind === 'miss') count('miss')
        return found.kind === 'down' ? load() : loadAndFill(cacheKey, policy, load, opts)
      })
    },

    /**
     * Many keys in one MGET; misses (and stale or malformed entries) are loaded in one
     * `loadMissing` call and filled. Redis down → everything from `loadMissing`.
     */
    async readMany<K, T>(
      ids: readonly K[],
      keyOf: (id: K) => string,
      policyOf: (value: T) => CachePolicy,
      schema: z.ZodType<T>,
      loadMissing: (ids: K[]) => Promise<Map<K, T>>,
      opts: ReadOptions<T> = {},
    ): Promise<Map<K, T>> {
      const out = new Map<K, T>()
      if (ids.length === 0) return out
      const raw = await guarded('mget', () => redis.mget<unknown[]>(...ids.map(keyOf)))
      const missing: K[] = []
      ids.forEach((id, i) => {
        const found: Lookup<T> = raw.ok ? decode(raw.value[i], schema) : { kind: 'down' }
        if (found.kind === 'fresh') {
          count('hit')
          out.set(id, found.value)
          return
        }
        if (found.kind === 'stale') count('stale')
        else if (found.kind === 'miss') count('miss')
        missing.push(id)
      })
      if (missing.length === 0) return out
      const loaded = await loadMissing(missing)
      await Promise.all(
        [...loaded].map(([id, value]) => {
          out.set(id, value)
          return raw.ok ? write(keyOf(id), policyOf(value), value, opts.version?.(value)) : undefined
        }),
      )
      return out
    },

    /** Writes `value`; with `version`, only when nothing newer is stored (set-if-newer). */
    write,

    /**
     * After a change in PostgreSQL: puts `value` (at `version`) where an older copy may be
     * stored, and never leaves that older copy in place. The breaker is skipped (an edit's
     * write is never "bypassed"); a write that fails is followed by a delete, and a delete
     * that fails too is retried in the background (server/platform/retry-in-background.ts).
     */
    async replace(cacheKey: string, policy: CachePolicy, value: unknown, version: number): Promise<ReplaceOutcome> {
      const written = await tryWrite(cacheKey, policy, value, version, true)
      if (written === true) return 'written'
      if (written === false) return 'newer-kept'
      return (await evict(cacheKey)) === 'done' ? 'deleted' : 'retrying'
    },

    /** Deletes entries a change made wrong, past the breaker, retried in the background on failure. */
    evict,

    /** The raw stored value's envelope, for operators and tests; `null` when absent or unreadable. */
    async peek<T>(cacheKey: string, schema: z.ZodType<T>): Promise<{ value: T; version: number | undefined } | null> {
      const raw = await guarded('get', () => redis.get<unknown>(cacheKey))
      if (!raw.ok) return null
      const outer = envelopeSchema.safeParse(raw.value)
      const inner = outer.success ? schema.safeParse(outer.data.v) : undefined
      return outer.success && inner?.success ? { value: inner.data, version: outer.data.ver } : null
    },

    async del(...cacheKeys: string[]): Promise<void> {
      if (cacheKeys.length) await guarded('del', () => redis.del(...cacheKeys))
    },

    /** Current generation of a listing (0 when never bumped or Redis is down). */
    async generation(listing: string): Promise<number> {
      const raw = await guarded('get', () => redis.get<unknown>(keys.listingGeneration(listing)))
      return raw.ok ? Number(raw.value ?? 0) || 0 : 0
    },

    /**
     * Orphans every cached page of these listings (they expire by TTL). After a change, so past
     * the breaker and retried in the background on failure (a second bump is harmless).
     */
    async bumpGenerations(listings: string[]): Promise<'done' | 'retrying'> {
      if (listings.length === 0) return 'done'
      const bump = async () =>
        (
          await guarded(
            'incr',
            async () => {
              const p = redis.pipeline()
              for (const l of listings) p.incr(keys.listingGeneration(l))
              return p.exec()
            },
            true,
          )
        ).ok
      if (await bump()) return 'done'
      retryInBackground(`${layer}:bump:${listings.join(',')}`, bump)
      return 'retrying'
    },
  }
}

export type Cache = ReturnType<typeof createCache>

/** The process's data cache on the app's Redis client. */
export const cache: Cache = createCache({ redis: appRedis })
