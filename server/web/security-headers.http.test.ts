/**
 * The security headers over real HTTP, on every kind of response the store sends, and the
 * property that makes them cacheable: cached pages carry hashes, never a nonce, and stay
 * cached. (A browser loading every page kind under the policy: e2e/smoke/security-headers.spec.ts.)
 */
import { createHash } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { sql } from '../../testing/checkout-fixtures'
import { testStoreUrl } from '../../testing/test-store'

interface Answer {
  status: number
  headers: Headers
  html: string
}

async function get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${testStoreUrl()}${path}`, { headers: { accept: 'text/html', ...headers }, redirect: 'manual' })
  return { status: res.status, headers: res.headers, html: await res.text() }
}

const inlineScripts = (html: string) =>
  [...html.matchAll(/<script(?![^>]*\ssrc=)([^>]*)>([\s\S]*?)<\/script/gi)].map((m) => ({ attributes: m[1]!, body: m[2]! })).filter((s) => s.body.length > 0)
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`
const directive = (csp: string, name: string) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `)) ?? ''

function expectCommonHeaders(a: Answer): string {
  const csp = a.headers.get('content-security-policy') ?? ''
  expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'none'")
  expect(directive(csp, 'script-src')).not.toMatch(/unsafe-inline/)
  expect(directive(csp, 'object-src')).toBe("object-src 'none'")
  expect(a.headers.get('x-frame-options')).toBe('DENY')
  expect(a.headers.get('x-content-type-options')).toBe('nosniff')
  expect(a.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
  expect(a.headers.get('x-storefront-script-hashes')).toBeNull()
  return csp
}

let hotSlug: string
let longTailSlug: string
let categorySlug: string
beforeAll(async () => {
  ;[{ slug: hotSlug }] = (await sql<{ slug: string }>('SELECT slug FROM "Product" WHERE hot AND active ORDER BY id LIMIT 1')) as [{ slug: string }]
  // Not prerendered at build, and not requested by any other test: its first view renders.
  ;[{ slug: longTailSlug }] = (await sql<{ slug: string }>('SELECT slug FROM "Product" WHERE NOT hot AND active ORDER BY id DESC OFFSET 17 LIMIT 1')) as [{ slug: string }]
  ;[{ slug: categorySlug }] = (await sql<{ slug: string }>('SELECT slug FROM "Category" ORDER BY position LIMIT 1')) as [{ slug: string }]
})

describe('cached pages: the CSP allows exactly their inline scripts by hash, with no nonce', () => {
  const cachedPaths = () => [
    '/',
    `/p/${hotSlug}`,
    `/c/${categorySlug}`,
    `/c/${categorySlug}/price-asc/2`,
    '/cart',
    '/checkout',
    '/no-such-page',
    '/p/no-such-product-at-all',
    '/c/no-such-category',
  ]

  it('every inline script of every cached page kind is allowed by its hash, and the page stays a cache hit', async () => {
    for (const path of cachedPaths()) {
      await get(path)
      const a = await get(path)
      const csp = expectCommonHeaders(a)
      const scripts = inlineScripts(a.html)
      expect(scripts.length, path).toBeGreaterThan(0)
      for (const s of scripts) expect(directive(csp, 'script-src'), `${path}: ${s.body.slice(0, 60)}`).toContain(sha256(s.body))
      expect(directive(csp, 'script-src'), path).not.toMatch(/nonce-/)
      expect(a.html, path).not.toMatch(/\snonce="/)
      // Served from the page cache (STALE: served while a background render refreshes it).
      if (a.status === 200) expect(a.headers.get('x-nextjs-cache'), path).toMatch(/^(HIT|STALE)$/)
    }
  })

  it("a page rendered on its first view (ISR miss) gets hashes too, and a client's own CSP nonce never reaches it", async () => {
    const path = `/p/${longTailSlug}`
    const poison = { 'content-security-policy': "script-src 'nonce-client-chosen-nonce'" }
    const first = await get(path, poison)
    expect(first.headers.get('x-nextjs-cache')).toBe('MISS')
    const again = await get(path, poison)
    expect(again.headers.get('x-nextjs-cache')).toBe('HIT')
    for (const a of [first, again]) {
      const csp = expectCommonHeaders(a)
      expect(a.html).not.toContain('client-chosen-nonce')
      for (const s of inlineScripts(a.html)) expect(directive(csp, 'script-src')).toContain(sha256(s.body))
    }
  })
})

describe('pages rendered per request: a fresh nonce on every script', () => {
  it.each(['/search?q=lamp', '/ops/login'])('%s', async (path) => {
    const [a, b] = [await get(path), await get(path)]
    const nonces = [a, b].map((x) => /'nonce-([A-Za-z0-9+/=]+)'/.exec(directive(expectCommonHeaders(x), 'script-src'))?.[1])
    expect(nonces[0]).toMatch(/^[A-Za-z0-9+/]{22}==$/)
    expect(nonces[1]).not.toBe(nonces[0])
    const scripts = inlineScripts(a.html)
    expect(scripts.length).toBeGreaterThan(0)
    for (const s of scripts) expect(s.attributes).toContain(`nonce="${nonces[0]}"`)
  })
})

describe('everything else carries the headers too', () => {
  it('API answers, images and redirects', async () => {
    for (const path of ['/api/trpc/flags.enabled', '/api/stock/1', `/img/p/${hotSlug}.svg`, '/ops']) expectCommonHeaders(await get(path))
  })
})
