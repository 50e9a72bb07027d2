/**
 * URL path → the route pattern it was served by (`/p/anything` → `/p/[slug]`), so page
 * latency is grouped per route, a bounded set. The patterns come from Next's own
 * `routes-manifest.json` in the build directory: the table is always the app's real routes,
 * never a hand-kept copy.
 *
 * tRPC calls and health probes are not named (null): the first are timed per procedure, the
 * second are not shopper traffic and stay out of the /ops figures.
 *
 * Per request: one Map lookup for static routes, else one regex test per dynamic route
 * (a handful); allocation only when the URL carries a query string.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { HEALTH_PATH_PREFIX } from '../health/health-paths'

/** Next's static assets, one bucket. */
export const ASSET_ROUTE = '/_next/*'
/** tRPC calls are timed per procedure by the tRPC middleware instead. */
export const TRPC_PREFIX = '/api/trpc/'
export const UNKNOWN_ROUTE = '(unmatched)'

/** Probes of load balancers and orchestrators (server/health): not shopper traffic, never counted. */
const isProbe = (path: string) => path.startsWith(HEALTH_PATH_PREFIX)

const manifestSchema = z.object({
  staticRoutes: z.array(z.object({ page: z.string() })),
  dynamicRoutes: z.array(z.object({ page: z.string(), regex: z.string() })),
})

export type RouteNamer = (url: string) => string | null

/** Builds the namer from a routes manifest (the parsed JSON). */
export function routeNamerFrom(manifest: unknown): RouteNamer {
  const parsed = manifestSchema.parse(manifest)
  const statics = new Map(parsed.staticRoutes.map((r) => [r.page, r.page] as const))
  const dynamics = parsed.dynamicRoutes
    .filter((r) => !r.page.startsWith(TRPC_PREFIX.slice(0, -1)))
    .map((r) => ({ page: r.page, regex: new RegExp(r.regex) }))

  return (url: string) => {
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    if (path.startsWith(TRPC_PREFIX) || isProbe(path)) return null
    if (path.startsWith('/_next/')) return ASSET_ROUTE
    const exact = statics.get(path)
    if (exact !== undefined) return exact
    for (const route of dynamics) if (route.regex.test(path)) return route.page
    return UNKNOWN_ROUTE
  }
}

/** The namer for this build (`<distDir>/routes-manifest.json`); every route is UNKNOWN_ROUTE if it cannot be read. */
export function routeNamerForBuild(distDir: string, cwd: string = process.cwd()): RouteNamer {
  try {
    return routeNamerFrom(JSON.parse(readFileSync(join(cwd, distDir, 'routes-manifest.json'), 'utf8')) as unknown)
  } catch {
    return (url) => (url.startsWith(TRPC_PREFIX) || isProbe(url) ? null : url.startsWith('/_next/') ? ASSET_ROUTE : UNKNOWN_ROUTE)
  }
}
