/**
 * The store's purge client for its edge caches: `PURGE` with `xkey-purge: <key> <key> …` to
 * every edge in EDGE_PURGE_URLS (deploy/edge/storefront.vcl evicts every object carrying one
 * of those surrogate keys; it accepts PURGE only from its `edge_purgers` ACL).
 *
 * Called by the one publisher of tag invalidations, `invalidateTags` in
 * server/platform/tag-log.ts, in every process that publishes (web, API, worker, CLI). A direct
 * call rather than a subscriber registered at start-up: a process that forgot to register would
 * leave the edge serving the old page for its whole s-maxage, silently. It lives in platform
 * (cross-cutting, like redis.ts) so the tag log calls it without importing anything above it.
 *
 * A purge that fails (edge down, timeout, non-2xx) is logged, counted
 * (`storefront_edge_purges_total{outcome="failed"}`) and retried in the background; it never
 * throws into the admin's edit. Hand-written over fetch: one request per edge, nothing a
 * library would add.
 */
import { env } from '../env'
import { logger } from './logger'
import { metrics } from './metrics'
import { retryInBackground } from './retry-in-background'

/** One PURGE may take this long; the purge and its repeat both fit in PROPAGATION_DEADLINE_MS. */
export const EDGE_PURGE_TIMEOUT_MS = 500
/** The request header carrying the surrogate keys (space-separated), as vmod_xkey reads it. */
export const XKEY_PURGE_HEADER = 'xkey-purge'

const log = logger.child({ module: 'edge-purge' })

/** `http://host:port` of an edge, as the metric's label (a short, fixed set). */
const edgeLabel = (url: string) => new URL(url).host

async function purgeOne(edge: string, keys: readonly string[]): Promise<boolean> {
  try {
    const res = await fetch(new URL('/', edge), {
      method: 'PURGE',
      headers: { [XKEY_PURGE_HEADER]: keys.join(' ') },
      signal: AbortSignal.timeout(EDGE_PURGE_TIMEOUT_MS),
    })
    await res.arrayBuffer()
    if (!res.ok) throw new Error(`the edge answered ${res.status} ${res.statusText}`)
    metrics.edgePurges.inc({ edge: edgeLabel(edge), outcome: 'purged' })
    return true
  } catch (error) {
    metrics.edgePurges.inc({ edge: edgeLabel(edge), outcome: 'failed' })
    log.warn({ err: error, edge, keys }, 'edge purge failed: retrying in the background')
    return false
  }
}

/**
 * Purges `keys` on every edge of `edges` (default: EDGE_PURGE_URLS), in parallel, each within
 * EDGE_PURGE_TIMEOUT_MS. An edge that failed is retried in the background until it answers.
 * @returns true when every edge confirmed (also when there is none); never throws.
 */
export async function purgeEdges(keys: readonly string[], edges: readonly string[] = env.EDGE_PURGE_URLS): Promise<boolean> {
  if (keys.length === 0 || edges.length === 0) return true
  const results = await Promise.all(
    edges.map(async (edge) => {
      const ok = await purgeOne(edge, keys)
      if (!ok) retryInBackground(`edge-purge:${edge}:${keys.join(' ')}`, () => purgeOne(edge, keys))
      return ok
    }),
  )
  return results.every(Boolean)
}

/** Whether this process purges any edge. */
export const edgesConfigured = (): boolean => env.EDGE_PURGE_URLS.length > 0
