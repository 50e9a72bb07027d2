/**
 * Which request paths Next renders per request, read from the build's own manifests.
 *
 * The security headers need to know it *before* Next handles the request: a per-request page
 * gets a CSP nonce (Next writes it into the page it renders), every other path must not,
 * because a nonce rendered into a cached page would be served to everyone afterwards — public
 * and stale. Cached pages are covered by script hashes instead (server/platform/script-hashes.ts).
 *
 * Per-request pages = the app's pages (app-path-routes-manifest.json) in routes-manifest.json
 * that prerender-manifest.json does not list (neither prerendered nor ISR). A path this gets
 * wrong fails closed: a per-request page without its nonce has its inline scripts refused
 * (the CSP test in e2e/smoke/security-headers.spec.ts walks every page kind), while a cached
 * page can never receive a nonce.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

export interface RenderModes {
  /** True when Next renders `pathname` for each request (no page cache). */
  perRequest(pathname: string): boolean
  /** The per-request page routes, for the startup log. */
  readonly pages: string[]
}

/** `next dev` renders every page per request. */
export const DEV_RENDER_MODES: RenderModes = { perRequest: () => true, pages: ['(every page: development)'] }

const routesManifest = z.object({
  caseSensitive: z.boolean().optional(),
  staticRoutes: z.array(z.object({ page: z.string(), regex: z.string() })),
  dynamicRoutes: z.array(z.object({ page: z.string(), regex: z.string() })),
})
const prerenderManifest = z.object({ routes: z.record(z.string(), z.unknown()), dynamicRoutes: z.record(z.string(), z.unknown()) })
const appPathRoutes = z.record(z.string(), z.string())

function readJson<T>(distDir: string, file: string, schema: z.ZodType<T>): T {
  const path = join(distDir, file)
  const parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')))
  if (!parsed.success) throw new Error(`${path} is not in the shape this Next version writes: ${parsed.error.message}`)
  return parsed.data
}

/** Reads the production build in `distDir`; throws when a manifest is missing or changed shape. */
export function loadRenderModes(distDir: string): RenderModes {
  const routes = readJson(distDir, 'routes-manifest.json', routesManifest)
  const prerender = readJson(distDir, 'prerender-manifest.json', prerenderManifest)
  const appPaths = readJson(distDir, 'app-path-routes-manifest.json', appPathRoutes)
  const pages = new Set(Object.entries(appPaths).filter(([file]) => file.endsWith('/page')).map(([, route]) => route))
  const cached = new Set([...Object.keys(prerender.routes), ...Object.keys(prerender.dynamicRoutes)])
  const flags = routes.caseSensitive ? '' : 'i'
  const perRequest = [...routes.staticRoutes, ...routes.dynamicRoutes].filter((r) => pages.has(r.page) && !cached.has(r.page))
  const patterns = perRequest.map((r) => new RegExp(r.regex, flags))
  return {
    pages: perRequest.map((r) => r.page),
    perRequest: (pathname) => patterns.some((p) => p.test(pathname)),
  }
}
