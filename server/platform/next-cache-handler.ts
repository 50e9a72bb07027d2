/**
 * Next.js page cache handler (`cacheHandler` in next.config.ts): Next's own file-system
 * cache (in-memory LRU + `.next` files, build-time seeds for prerendered pages) made
 * coherent across instances through the shared page-tag log in Redis
 * (server/platform/tag-log.ts).
 *
 *  - `get`: an entry one of whose tags was invalidated after it was rendered — by any
 *    instance, worker or CLI — is reported missing, so Next renders it again (blocking,
 *    so the shopper never gets the old price once the log has been pulled).
 *  - `revalidateTag` (Next's own `revalidateTag`/`revalidatePath`): also published to the log.
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

const require = createRequire(import.meta.url)
const { default: FileSystemCache } = require('next/dist/server/lib/incremental-cache/file-system-cache.js') as {
  default: typeof FileSystemCacheType
}

type GetArgs = Parameters<FileSystemCacheType['get']>
type Entry = Awaited<ReturnType<FileSystemCacheType['get']>>

const TAGS_HEADER = 'x-next-cache-tags'

let tagLog: Promise<typeof TagLog | null> | undefined
function loadTagLog(): Promise<typeof TagLog | null> {
  tagLog ??= (tsImport(new URL('./tag-log.ts', import.meta.url).href, import.meta.url) as Promise<typeof TagLog>).catch(
    (error: unknown) => {
      console.error('[next-cache-handler] tag log unavailable, pages are coherent per instance only:', error)
      return null
    },
  )
  return tagLog
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
    const [, ctx] = args
    const [entry, log] = await Promise.all([super.get(...args), loadTagLog()])
    if (!entry || !log) return entry
    await log.syncInvalidations()
    return log.isInvalidated(tagsOf(entry, ctx), entry.lastModified) ? null : entry
  }

  override async revalidateTag(tags: string | string[], durations?: { expire?: number }): Promise<void> {
    await super.revalidateTag(tags, durations)
    const log = await loadTagLog()
    await log?.publishInvalidation(typeof tags === 'string' ? [tags] : tags)
  }
}
