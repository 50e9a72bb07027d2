/**
 * Next.js page cache handler (`cacheHandler` in next.config.ts): Next's own file-system
 * cache (in-memory LRU + `.next` files, build-time seeds for prerendered pages) made
 * coherent across instances through the shared page-tag log in Redis
 * (server/platform/tag-log.ts).
 *
 *  - `get`: an entry one of whose tags was invalidated after its render *started* — by any
 *    instance, worker or CLI — is reported missing, so Next renders it again (blocking,
 *    so the shopper never gets the old price once the log has been pulled). Cached 404s
 *    included: a product page tags itself by its address before it looks the product up.
 *  - render start: a render that began before an invalidation but finished after it read
 *    the old data, so an entry is judged by when its render started. A `get` that reports a
 *    miss is where a blocking render starts (remembered per key until the `set`); an entry
 *    set without one (a background revalidation) is judged as if its render had started
 *    BACKGROUND_RENDER_ALLOWANCE_MS before it was stored, so one straddling an edit is
 *    refused at once and rendered again, blocking — never served stale until its
 *    `revalidate` time.
 *  - `revalidateTag` (Next's own `revalidateTag`/`revalidatePath`): also published to the log.
 *
 *  - every cached page entry (`get` and `set`, so build seeds and runtime renders alike) gets
 *    the CSP hashes of its inline scripts as a header, once (server/platform/script-hashes.ts):
 *    cached pages then run under a strict CSP without a per-request nonce;
 *  - and its tags as surrogate keys, once (server/platform/surrogate-keys.ts): Next strips its
 *    own tags header from responses, this copy reaches our server, which sends it to the edge.
 *
 * Page bodies stay per instance: a page hit costs no network round trip, and the log costs
 * one small Redis read per instance per second. Redis down → the last known tag state is
 * used and pages are served as cached (stale at worst for their `revalidate` time).
 *
 * Loading: Next imports this file with plain Node at run time (it is not bundled), so it
 * is written in erasable TypeScript only (Node 24 strips the types) and imports no
 * extensionless project module. It pulls the tag log in through tsx's `tsImport`, which
 * resolves the project's TypeScript graph as the scripts do. Deep import of Next's
 * FileSystemCache: `next` is pinned to an exact version.
 */
import { createRequire } from 'node:module'
import { tsImport } from 'tsx/esm/api'
import type FileSystemCacheType from 'next/dist/server/lib/incremental-cache/file-system-cache'
import type * as TagLog from './tag-log'
import type * as ScriptHashes from './script-hashes'
import type * as SurrogateKeys from './surrogate-keys'

const require = createRequire(import.meta.url)
const { default: FileSystemCache } = require('next/dist/server/lib/incremental-cache/file-system-cache.js') as {
  default: typeof FileSystemCacheType
}

type GetArgs = Parameters<FileSystemCacheType['get']>
type SetArgs = Parameters<FileSystemCacheType['set']>
type Entry = Awaited<ReturnType<FileSystemCacheType['get']>>

/** A background render is assumed to have started at most this long before it was stored. */
export const BACKGROUND_RENDER_ALLOWANCE_MS = 5_000
/** A miss older than this with no `set` after it is forgotten (the render failed or never ran). */
const RENDER_START_MAX_AGE_MS = 30_000
/** Keys remembered per map; past it the oldest go (they fall back to the allowance rule). */
const MAX_REMEMBERED_KEYS = 20_000

/** Per key: when a miss was reported, i.e. when the render that will `set` it started. */
const renderStarts = new Map<string, number>()
/** Per key: when the render that produced the stored entry started. */
const renderedFrom = new Map<string, number>()

function remember(map: Map<string, number>, key: string, at: number): void {
  map.delete(key)
  map.set(key, at)
  if (map.size > MAX_REMEMBERED_KEYS) map.delete(map.keys().next().value!)
}

function noteRenderStart(key: string, now: number): void {
  const pending = renderStarts.get(key)
  // Keep the earliest start of a render still in flight (conservative: judged older, not newer).
  if (pending === undefined || now - pending > RENDER_START_MAX_AGE_MS) remember(renderStarts, key, now)
}

const TAGS_HEADER = 'x-next-cache-tags'

/**
 * The project modules this handler uses, as the store's server loaded them before Next started
 * (server/web/cache-handler-modules.ts puts them on globalThis under this symbol). Found, the
 * handler never calls `tsImport`: each call registers module hooks for the rest of the process,
 * and Next imports this handler (so runs every registered hook) several times per request:
 * module hooks were 15 % of a cached page's CPU (docs/PERFORMANCE.md, "One store's fixed cost
 * per request").
 * Absent (`next build`, which imports this file with plain Node): loaded through `tsImport`.
 */
const PRELOADED = Symbol.for('storefront.cacheHandlerModules')
/** What server/web/cache-handler-modules.ts provides (it checks its object against this type). */
export interface HandlerModules {
  tagLog: typeof TagLog
  scriptHashes: typeof ScriptHashes
  surrogateKeys: typeof SurrogateKeys
}
const preloaded = (globalThis as unknown as { [PRELOADED]?: HandlerModules })[PRELOADED]

/**
 * One of HandlerModules: preloaded, or through `tsImport` of `url` once; null (and `unavailable`
 * logged) when it cannot load. Callers write `new URL('./x.ts', import.meta.url)` literally: the
 * bundler traces that form (a computed one is a build warning).
 */
function moduleLoader<K extends keyof HandlerModules>(name: K, url: URL, unavailable: string): () => Promise<HandlerModules[K] | null> {
  let loading: Promise<HandlerModules[K] | null> | undefined
  return () =>
    (loading ??= preloaded
      ? Promise.resolve(preloaded[name])
      : (tsImport(url.href, import.meta.url) as Promise<HandlerModules[K]>).catch((error: unknown) => {
          console.error(`[next-cache-handler] ${unavailable}:`, error)
          return null
        }))
}

const loadTagLog = moduleLoader('tagLog', new URL('./tag-log.ts', import.meta.url), 'tag log unavailable, pages are coherent per instance only')
const loadScriptHashes = moduleLoader('scriptHashes', new URL('./script-hashes.ts', import.meta.url), 'script hashes unavailable, cached pages will break under the CSP')
const loadSurrogateKeys = moduleLoader('surrogateKeys', new URL('./surrogate-keys.ts', import.meta.url), 'surrogate keys unavailable, the edge cannot purge pages by tag')

type CachedValue = { kind?: unknown; html?: unknown; headers?: Record<string, string | string[] | number | undefined> } | null | undefined

/** Adds the page's inline-script hashes to a cached page value's headers, unless it has them. */
async function attachScriptHashes(value: CachedValue): Promise<void> {
  if (!value || value.kind !== 'APP_PAGE' || typeof value.html !== 'string') return
  const hashes = await loadScriptHashes()
  if (!hashes || value.headers?.[hashes.SCRIPT_HASHES_HEADER] !== undefined) return
  value.headers = { ...value.headers, [hashes.SCRIPT_HASHES_HEADER]: hashes.inlineScriptHashes(value.html).join(' ') }
}

/** Copies a cached page value's tags into the surrogate-keys header, unless it has it. */
async function attachSurrogateKeys(value: CachedValue): Promise<void> {
  if (!value || value.kind !== 'APP_PAGE') return
  const tags = value.headers?.[TAGS_HEADER]
  if (typeof tags !== 'string') return
  const keys = await loadSurrogateKeys()
  if (!keys || value.headers?.[keys.SURROGATE_KEYS_HEADER] !== undefined) return
  value.headers = { ...value.headers, [keys.SURROGATE_KEYS_HEADER]: keys.surrogateKeys(tags) }
}

function tagsOf(entry: NonNullable<Entry>, ctx: GetArgs[1]): string[] {
  const value = entry.value
  const tags: string[] = []
  if (value && 'headers' in value && value.headers) {
    const header = value.headers[TAGS_HEADER]
    if (typeof header === 'string') tags.push(...header.split(','))
  }
  if ('tags' in ctx && Array.isArray(ctx.tags)) tags.push(...ctx.tags)
  if ('softTags' in ctx && Array.isArray(ctx.softTags)) tags.push(...ctx.softTags)
  return tags
}

export default class CoherentPageCache extends FileSystemCache {
  override async get(...args: GetArgs): Promise<Entry> {
    const [key, ctx] = args
    const [entry, log] = await Promise.all([super.get(...args), loadTagLog()])
    if (!entry) {
      if (log) noteRenderStart(key, Date.now())
      return entry
    }
    if (log) {
      await log.syncInvalidations()
      // min(): an entry read back from the build's files is older than any render remembered here.
      const renderStartedAt = Math.min(renderedFrom.get(key) ?? Infinity, entry.lastModified)
      if (log.isInvalidated(tagsOf(entry, ctx), renderStartedAt)) {
        noteRenderStart(key, Date.now())
        return null
      }
    }
    await attachScriptHashes(entry.value as CachedValue)
    await attachSurrogateKeys(entry.value as CachedValue)
    return entry
  }

  override async set(...args: SetArgs): Promise<void> {
    const [key] = args
    const now = Date.now()
    const started = renderStarts.get(key)
    renderStarts.delete(key)
    await attachScriptHashes(args[1] as CachedValue)
    await attachSurrogateKeys(args[1] as CachedValue)
    await super.set(...args)
    const fresh = started !== undefined && now - started <= RENDER_START_MAX_AGE_MS
    remember(renderedFrom, key, fresh ? started : now - BACKGROUND_RENDER_ALLOWANCE_MS)
  }

  override async revalidateTag(tags: string | string[], durations?: { expire?: number }): Promise<void> {
    await super.revalidateTag(tags, durations)
    const log = await loadTagLog()
    await log?.invalidateTags(typeof tags === 'string' ? [tags] : tags)
  }
}
