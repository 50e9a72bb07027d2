/**
 * The page-tag invalidation log every Next.js instance shares, in Redis.
 *
 * Next's built-in page cache keeps its tag state in process memory, so a `revalidateTag`
 * on one instance is invisible to the others. Here, an invalidation is a member of one
 * sorted set (`keys.pageTagLog()`): member = tag, score = when (ms). `invalidateTags()` is
 * THE one place tag invalidations are published — catalog changes, Next's own
 * `revalidateTag`, a worker or a CLI all go through it — and so also the one place that purges
 * the edge caches by surrogate key (server/platform/edge-purge.ts): pages carry the same tags
 * in an `xkey` header (server/platform/surrogate-keys.ts). Every instance's cache handler
 * (server/platform/next-cache-handler.ts) pulls what changed at most once per `SYNC_INTERVAL_MS` and refuses cached pages whose
 * render started before an invalidation of one of their tags. So an edit on any instance
 * reaches all of them within SYNC_INTERVAL_MS plus one render.
 *
 * State lives on globalThis: the cache handler loads this module outside Next's bundle, the
 * app inside it, and both must see the same state in one process.
 */
import { keys } from './cache'
import { EDGE_PURGE_TIMEOUT_MS, edgesConfigured, purgeEdges } from './edge-purge'
import { logger } from './logger'
import { metrics } from './metrics'
import { PROPAGATION_DEADLINE_MS } from './propagation-deadline'
import { redis } from './redis'
import { retryInBackground } from './retry-in-background'

/** How stale an instance's view of the log may be; part of the propagation deadline's budget. */
export const SYNC_INTERVAL_MS = 500
/**
 * The edges are purged again this long after an invalidation: by then every instance has pulled
 * the log (SYNC_INTERVAL_MS) and answered any request it took before (the slack), so a stale copy
 * one of them served to an edge in between is gone too. Repeat + its timeout < PROPAGATION_DEADLINE_MS.
 */
export const EDGE_REPURGE_AFTER_MS = SYNC_INTERVAL_MS + 500
if (EDGE_REPURGE_AFTER_MS + EDGE_PURGE_TIMEOUT_MS >= PROPAGATION_DEADLINE_MS) {
  throw new Error('the edge purge repeat does not fit in PROPAGATION_DEADLINE_MS: shorten EDGE_REPURGE_AFTER_MS or EDGE_PURGE_TIMEOUT_MS')
}
/** Invalidations older than this are dropped: no cached page lives that long without revalidating. */
export const RETENTION_MS = 24 * 3_600_000
/** Re-read a little history on every sync, for writers whose clock runs slightly behind. */
const OVERLAP_MS = 10_000

interface TagState {
  invalidatedAt: Map<string, number>
  /** Highest score seen; the next sync reads from here (minus the overlap). */
  cursor: number
  syncedAt: number
  syncing: Promise<void> | null
  failingUntil: number
}

const STATE = Symbol.for('storefront.pageTagLog')
const g = globalThis as unknown as { [STATE]?: TagState }
const state: TagState = (g[STATE] ??= {
  invalidatedAt: new Map(),
  cursor: 0,
  syncedAt: 0,
  syncing: null,
  failingUntil: 0,
})
const log = logger.child({ module: 'tag-log' })
const count = (event: string) => metrics.cacheEvents.inc({ layer: 'page-tags', event })

function remember(tag: string, at: number): void {
  if ((state.invalidatedAt.get(tag) ?? 0) < at) state.invalidatedAt.set(tag, at)
  if (at > state.cursor) state.cursor = at
}

/**
 * Marks pages carrying any of `tags` out of date as of `at`, on every instance and every edge
 * cache: the one function that publishes tag invalidations. Resolves `published`, or
 * `retrying` when Redis or an edge refused (this instance already knows; the others learn
 * once a background retry lands). Never throws.
 */
export async function invalidateTags(tags: readonly string[], at: number = Date.now()): Promise<'published' | 'retrying'> {
  if (tags.length === 0) return 'published'
  for (const tag of tags) remember(tag, at)
  const edges = purgeEdges(tags)
  if (edgesConfigured()) setTimeout(() => void purgeEdges(tags), EDGE_REPURGE_AFTER_MS).unref()
  const published = await publishTags(tags, at)
  return (await edges) && published === 'published' ? 'published' : 'retrying'
}

async function publishTags(tags: readonly string[], at: number): Promise<'published' | 'retrying'> {
  const [first, ...rest] = tags.map((member) => ({ score: at, member }))
  const publish = async (): Promise<boolean> => {
    try {
      const p = redis.pipeline()
      p.zadd(keys.pageTagLog(), first!, ...rest)
      p.zremrangebyscore(keys.pageTagLog(), 0, at - RETENTION_MS)
      await p.exec()
      count('publish')
      return true
    } catch (error) {
      count('error')
      log.warn({ err: error, tags }, 'could not publish a page invalidation: retrying in the background')
      return false
    }
  }
  if (await publish()) return 'published'
  retryInBackground(`page-tags:${tags.join(',')}:${at}`, publish)
  return 'retrying'
}

async function pull(now: number): Promise<void> {
  const from = state.cursor === 0 ? now - RETENTION_MS : state.cursor - OVERLAP_MS
  const flat = await redis.zrange<(string | number)[]>(keys.pageTagLog(), from, '+inf', { byScore: true, withScores: true })
  for (let i = 0; i + 1 < flat.length; i += 2) remember(String(flat[i]), Number(flat[i + 1]))
  count('sync')
}

/** Pulls new invalidations when the last pull is older than `SYNC_INTERVAL_MS`; one pull at a time. */
export async function syncInvalidations(now: number = Date.now()): Promise<void> {
  if (now - state.syncedAt < SYNC_INTERVAL_MS || now < state.failingUntil) return
  state.syncing ??= pull(now)
    .then(() => {
      state.syncedAt = now
    })
    .catch((error: unknown) => {
      count('error')
      state.failingUntil = now + SYNC_INTERVAL_MS * 5
      log.warn({ err: error }, 'could not read page invalidations: serving cached pages as they are')
    })
    .finally(() => {
      state.syncing = null
    })
  await state.syncing
}

/**
 * Whether a page whose render started at `renderStartedAt` and carries `tags` must be
 * rendered again: one of its tags was invalidated after that render began reading data.
 */
export function isInvalidated(tags: readonly string[], renderStartedAt: number): boolean {
  for (const tag of tags) {
    const at = state.invalidatedAt.get(tag)
    if (at !== undefined && at > renderStartedAt) return true
  }
  return false
}
