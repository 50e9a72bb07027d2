/**
 * The page-tag invalidation log every Next.js instance shares, in Redis.
 *
 * Next's built-in page cache keeps its tag state in process memory, so a `revalidateTag`
 * on one instance is invisible to the others. Here, an invalidation is a member of one
 * sorted set (`keys.pageTagLog()`): member = tag, score = when (ms). Writers `publish()`
 * from anywhere (a tRPC mutation, a worker, a CLI); every instance's cache handler
 * (server/platform/next-cache-handler.ts) pulls what changed at most once per
 * `SYNC_INTERVAL_MS` and refuses cached pages rendered before an invalidation of one of
 * their tags. So an edit on any instance reaches all of them within about a second.
 *
 * Settle window: a render that *read* its data just before an edit but *finished* just
 * after it carries a timestamp newer than the invalidation, yet old data. So an entry
 * rendered less than `SETTLE_MS` after an invalidation of one of its tags is rendered once
 * more after that window (one extra render per page per edit, no stampede).
 *
 * State lives on globalThis: the cache handler loads this module outside Next's bundle, the
 * app inside it, and both must see the same state in one process.
 */
import { keys } from './cache'
import { logger } from './logger'
import { metrics } from './metrics'
import { redis } from './redis'

export const SYNC_INTERVAL_MS = 1_000
export const SETTLE_MS = 5_000
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

/** Records that pages carrying any of `tags` are out of date as of `at`, for every instance. */
export async function publishInvalidation(tags: readonly string[], at: number = Date.now()): Promise<void> {
  if (tags.length === 0) return
  for (const tag of tags) remember(tag, at)
  const [first, ...rest] = tags.map((member) => ({ score: at, member }))
  try {
    const p = redis.pipeline()
    p.zadd(keys.pageTagLog(), first!, ...rest)
    p.zremrangebyscore(keys.pageTagLog(), 0, at - RETENTION_MS)
    await p.exec()
    count('publish')
  } catch (error) {
    count('error')
    log.warn({ err: error, tags }, 'could not publish a page invalidation: other instances see it when their pages revalidate')
  }
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

/** Whether a page rendered at `renderedAt` carrying `tags` must be rendered again. */
export function isInvalidated(tags: readonly string[], renderedAt: number, now: number = Date.now()): boolean {
  for (const tag of tags) {
    const at = state.invalidatedAt.get(tag)
    if (at === undefined) continue
    if (at > renderedAt) return true
    if (now >= at + SETTLE_MS && at + SETTLE_MS > renderedAt) return true
  }
  return false
}
