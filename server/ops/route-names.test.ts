/** Route names come from Next's routes manifest: real patterns, tRPC left to its own timing. */
import { describe, expect, it } from 'vitest'
import { ASSET_ROUTE, routeNamerForBuild, routeNamerFrom, UNKNOWN_ROUTE } from './route-names'

const manifest = {
  staticRoutes: [
    { page: '/', regex: '^/(?:/)?$' },
    { page: '/cart', regex: '^/cart(?:/)?$' },
    { page: '/api/metrics', regex: '^/api/metrics(?:/)?$' },
  ],
  dynamicRoutes: [
    { page: '/api/trpc/[trpc]', regex: '^/api/trpc/([^/]+?)(?:/)?$' },
    { page: '/c/[slug]', regex: '^/c/([^/]+?)(?:/)?$' },
    { page: '/c/[slug]/[sort]/[page]', regex: '^/c/([^/]+?)/([^/]+?)/([^/]+?)(?:/)?$' },
    { page: '/p/[slug]', regex: '^/p/([^/]+?)(?:/)?$' },
  ],
}

describe('route names', () => {
  const routeOf = routeNamerFrom(manifest)

  it('maps paths to their route pattern, query strings ignored', () => {
    expect(routeOf('/')).toBe('/')
    expect(routeOf('/cart?x=1')).toBe('/cart')
    expect(routeOf('/p/doorbuster-tv-1')).toBe('/p/[slug]')
    expect(routeOf('/p/doorbuster-tv-1?_rsc=abc')).toBe('/p/[slug]')
    expect(routeOf('/c/books')).toBe('/c/[slug]')
    expect(routeOf('/c/books/price-asc/3')).toBe('/c/[slug]/[sort]/[page]')
    expect(routeOf('/api/metrics')).toBe('/api/metrics')
  })

  it('puts static assets in one bucket, leaves tRPC to the procedure timing, and names the rest unmatched', () => {
    expect(routeOf('/_next/static/chunks/abc.js')).toBe(ASSET_ROUTE)
    expect(routeOf('/api/trpc/catalog.stock,flags.enabled?batch=1')).toBeNull()
    expect(routeOf('/wp-admin/login.php')).toBe(UNKNOWN_ROUTE)
  })

  it('leaves health probes out of the figures: they are not shopper traffic', () => {
    const withProbes = routeNamerFrom({ ...manifest, staticRoutes: [...manifest.staticRoutes, { page: '/api/health/ready' }] })
    expect(withProbes('/api/health/ready')).toBeNull()
    expect(withProbes('/api/health/live?x=1')).toBeNull()
    expect(routeNamerForBuild('.next-does-not-exist')('/api/health/live')).toBeNull()
  })

  it('still names assets and tRPC when the build has no manifest', () => {
    const fallback = routeNamerForBuild('.next-does-not-exist')
    expect(fallback('/p/x')).toBe(UNKNOWN_ROUTE)
    expect(fallback('/api/trpc/x')).toBeNull()
  })
})
