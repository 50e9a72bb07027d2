/**
 * The edge's caching rules, each one observable: a real varnishd with deploy/edge/storefront.vcl
 * in front of a scripted origin that counts what reaches it and answers with whatever headers a
 * rule needs — including the ones our store never sends (a cacheable page that sets a cookie, a
 * tRPC answer marked public), because the edge must hold even when an origin gets them wrong.
 * The store-facing behaviour (purge, carts, rate limits, origin down) is in edge.http.test.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Agent, fetch as undiciFetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WEB_PROBE_PATH } from './edge-backends'
import { freePort } from './port-free'
import { startEdge, type RunningEdge } from './varnish-process'

interface Seen {
  url: string
  cookie: string | undefined
  clientIp: string | undefined
}

const seen: Seen[] = []
let mode: 'ok' | 'failing' = 'ok'
let version = 1
let served = 0
/** The origin's readiness probe answers 503 while its pages still answer. */
let probeFailing = false
/** How long the edge's probe may take to change its mind about the origin (PROBE_INTERVAL_S × window, with room). */
const PROBE_VERDICT_DEADLINE_MS = 15_000
let origin: Server
let edge: RunningEdge

/** Answers by path; every request is recorded in `seen`. */
function answer(req: IncomingMessage, res: ServerResponse): void {
  seen.push({ url: req.url ?? '', cookie: req.headers.cookie, clientIp: req.headers['x-client-ip'] as string | undefined })
  served += 1
  const path = (req.url ?? '/').split('?')[0]
  if (probeFailing && path === WEB_PROBE_PATH) {
    res.writeHead(503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end('{"status":"not-ready"}')
    return
  }
  // The probe keeps answering: the origin is up but its pages fail.
  if (mode === 'failing' && path !== WEB_PROBE_PATH) {
    res.writeHead(500, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end('origin failure')
    return
  }
  const page = (cacheControl: string, body: string, extra: Record<string, string> = {}): void => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': cacheControl, ...extra }).end(body)
  }
  switch (path) {
    case '/p/cookie':
      return page('public, s-maxage=60', `cookie page ${served}`, { 'set-cookie': `sid=${served}; Path=/; HttpOnly` })
    case '/p/slow':
      setTimeout(() => page('public, s-maxage=60', 'slow page'), 500)
      return
    case '/p/short':
      return page('public, s-maxage=1, stale-while-revalidate=3', `short page v${version}`)
    case '/api/trpc/flags.enabled':
      return page('public, s-maxage=60', '{"result":{"data":{"json":{}}}}', { 'content-type': 'application/json' })
    default:
      return page('public, s-maxage=60', `page ${path}`)
  }
}

const hitsOf = (path: string) => seen.filter((s) => s.url.split('?')[0] === path).length

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${edge.url}${path}`, { headers })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

beforeAll(async () => {
  origin = createServer(answer)
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', () => r()))
  edge = await startEdge({ port: await freePort(), web: [{ host: '127.0.0.1', port: (origin.address() as AddressInfo).port }] })
})

afterAll(async () => {
  await edge?.stop()
  origin.closeAllConnections()
  await new Promise((r) => origin.close(r))
})

describe('the edge in front of a scripted origin', () => {
  it('caches a catalog page by its s-maxage: the second request never reaches the origin', async () => {
    expect((await get('/p/plain')).headers.get('x-cache')).toBe('MISS')
    const again = await get('/p/plain')
    expect([again.headers.get('x-cache'), hitsOf('/p/plain')]).toEqual(['HIT', 1])
  })

  it('never stores a response that sets a cookie, even one marked public', async () => {
    const first = await get('/p/cookie')
    const second = await get('/p/cookie')
    expect(second.headers.get('x-cache')).not.toBe('HIT')
    expect(hitsOf('/p/cookie')).toBe(2)
    expect(second.headers.get('set-cookie')).not.toBe(first.headers.get('set-cookie'))
  })

  it('never caches a tRPC call, even one the origin marks public', async () => {
    await get('/api/trpc/flags.enabled')
    const again = await get('/api/trpc/flags.enabled')
    expect([again.headers.get('x-cache'), hitsOf('/api/trpc/flags.enabled')]).toEqual(['PASS', 2])
  })

  it('strips cookies on catalog paths only, and sets the client address itself', async () => {
    await get('/c/lamps', { cookie: 'sf_session=abc', 'x-client-ip': '203.0.113.9' })
    await get('/cart', { cookie: 'sf_session=abc', 'x-client-ip': '203.0.113.9' })
    const catalog = seen.findLast((s) => s.url === '/c/lamps')!
    const cart = seen.findLast((s) => s.url === '/cart')!
    expect([catalog.cookie, cart.cookie]).toEqual([undefined, 'sf_session=abc'])
    expect([catalog.clientIp, cart.clientIp]).toEqual(['127.0.0.1', '127.0.0.1'])
  })

  it('drops tracking parameters on catalog pages: one cached copy, the origin never sees them', async () => {
    await get('/p/tracked?color=red')
    const tracked = await get('/p/tracked?utm_source=mail&color=red&gclid=x1&fbclid=y2&utm_campaign=sale')
    expect(tracked.headers.get('x-cache')).toBe('HIT')
    await get('/p/tracked?utm_medium=social')
    expect(seen.filter((s) => s.url.startsWith('/p/tracked')).map((s) => s.url)).toEqual(['/p/tracked?color=red', '/p/tracked'])
  })

  it('collapses concurrent misses into one origin request', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => get('/p/slow')))
    expect(answers.map((a) => a.status)).toEqual(Array<number>(20).fill(200))
    expect(hitsOf('/p/slow')).toBe(1)
  })

  it('serves a stale page while it refreshes (stale-while-revalidate), and the fresh one after', async () => {
    await get('/p/short')
    version = 2
    await new Promise((r) => setTimeout(r, 1_300)) // past s-maxage=1, inside stale-while-revalidate=3
    expect((await get('/p/short')).text).toBe('short page v1')
    let fresh = ''
    for (let i = 0; i < 20 && fresh !== 'short page v2'; i++) {
      await new Promise((r) => setTimeout(r, 100))
      fresh = (await get('/p/short')).text
    }
    expect(fresh).toBe('short page v2')
  })

  it('fails open: with every process of the pool failing its probe, requests still reach them', async () => {
    const webHealthy = async () => (await edge.backendHealth()).get('web_0')
    const until = async (want: boolean) => {
      const deadline = Date.now() + PROBE_VERDICT_DEADLINE_MS
      while ((await webHealthy()) !== want) {
        if (Date.now() > deadline) throw new Error(`the edge's probe did not report web_0 ${want ? 'healthy' : 'sick'}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    probeFailing = true
    try {
      await until(false)
      const page = await get('/p/while-sick')
      expect([page.status, page.text]).toEqual([200, 'page /p/while-sick'])
      expect((await get('/cart')).status).toBe(200)
    } finally {
      probeFailing = false
    }
    await until(true)
  })

  it('serves the stale page when the origin fails past stale-while-revalidate (stale-if-error), then when it is down', async () => {
    await new Promise((r) => setTimeout(r, 4_500)) // v2 is now past s-maxage + stale-while-revalidate
    mode = 'failing'
    const failing = await get('/p/short')
    expect([failing.status, failing.text]).toEqual([200, 'short page v2'])
    origin.closeAllConnections()
    await new Promise((r) => origin.close(r))
    const down = await get('/p/short')
    expect([down.status, down.text]).toEqual([200, 'short page v2'])
  })

  it('with the origin down and nothing cached: a 503 page, and a 503 in tRPC shape for the API, both with Retry-After', async () => {
    const page = await get('/p/never-cached')
    expect(page.status).toBe(503)
    expect(Number(page.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(page.text).toContain('Back in a moment')
    const api = await get('/api/trpc/cart.get')
    expect(api.status).toBe(503)
    expect(Number(api.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(JSON.parse(api.text)).toMatchObject({ error: { json: { data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503, appCode: 'UNAVAILABLE' } } } })
  })

  it('accepts PURGE only from its purge ACL', async () => {
    const elsewhere = new Agent({ localAddress: '127.0.0.9' })
    const other = await undiciFetch(`${edge.url}/`, { method: 'PURGE', headers: { 'xkey-purge': 'product:1' }, dispatcher: elsewhere })
    await other.arrayBuffer()
    await elsewhere.close()
    expect(other.status).toBe(403)
    const ours = await fetch(`${edge.url}/`, { method: 'PURGE', headers: { 'xkey-purge': 'product:1' } })
    expect(ours.status).toBe(200)
  })
})
