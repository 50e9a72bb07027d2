/**
 * The edge's configuration compiles: deploy/edge/storefront.vcl with a generated backend list,
 * through `varnishd -C` (the VCL compiler and the C compiler behind it, with the xkey,
 * directors, proxy and std vmods), for the fleet shapes a launcher may ask for. Without
 * varnishd this fails, naming the Debian packages to install.
 */
import { describe, expect, it } from 'vitest'
import { edgeBackendsVcl } from './edge-backends'
import { checkEdgeVcl, findVarnishd, VARNISH_MISSING_MESSAGE } from './varnish-process'

const local = (port: number) => ({ host: '127.0.0.1', port })

describe('deploy/edge/storefront.vcl', () => {
  it(`needs varnishd (Debian packages: varnish varnish-modules)`, () => {
    expect(findVarnishd(), VARNISH_MISSING_MESSAGE).not.toBeNull()
  })

  it.each([
    ['one web process, no API pool', { web: [local(3000)] }],
    ['two web and two API processes, purges from a private network', { web: [local(3001), local(3002)], api: [local(4001), local(4002)], purgers: ['127.0.0.1', '10.0.0.0/8', '::1'] }],
  ])('compiles with varnishd -C: %s', (_name, backends) => {
    expect(checkEdgeVcl(backends)).toBeNull()
  })

  it('refuses backend lists that would inject VCL', () => {
    expect(() => edgeBackendsVcl({ web: [{ host: '127.0.0.1"; } backend evil { .host = "x', port: 80 }] })).toThrow()
    expect(() => edgeBackendsVcl({ web: [local(3000)], purgers: ['127.0.0.1"; }'] })).toThrow()
    expect(() => edgeBackendsVcl({ web: [] })).toThrow(/at least one web process/)
  })

  it('sends /api/trpc to the API pool when there is one, else to the web pool', () => {
    expect(edgeBackendsVcl({ web: [local(3000)] })).toMatch(/sub edge_api \{\n\s+set req.backend_hint = edge_web_pool.backend\(\);/)
    expect(edgeBackendsVcl({ web: [local(3000)], api: [local(4000)] })).toMatch(/sub edge_api \{\n\s+set req.backend_hint = edge_api_pool.backend\(\);/)
  })
})
