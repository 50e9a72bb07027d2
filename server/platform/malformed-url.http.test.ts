/**
 * Bad input in a URL is never a 500: every dynamic route of the app, discovered from the
 * `app/` tree (so a route added later is walked too), is requested with malformed
 * percent-escapes and with well-formed junk in each of its dynamic segments. Every answer
 * must be a 400 or a 404, and the store's request figures (what /ops and /api/metrics show)
 * must count none of them as a server error.
 *
 * A store of its own: its recorder then holds exactly this test's traffic.
 */
import { readdirSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deleteKeysWithPrefix, uniqueKeyPrefix } from '../../testing/test-services'
import { currentStoreEnv, startStore, type RunningStore } from '../../testing/test-store'
import { env } from '../env'
import { hasMalformedSegment } from './malformed-url'

/** `%` not followed by two hex digits, or escapes that do not decode to UTF-8 (truncated, overlong, surrogate, 0xFF). */
const MALFORMED = ['%', '%zz', '%2', 'a%', '%%41', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF', '%C2']
/** Decodable, but nothing any route can serve. */
const JUNK = ['%25', '%00', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(2_000), '%F0%9F%98%80', "'%20OR%201=1--", '-1', '0x10', '1e3', '%20']
/** What other dynamic segments of the same route get while one is being walked. */
const FILLER = 'x'

interface DynamicRoute {
  /** e.g. `/c/[slug]/[sort]/[page]` */
  pattern: string
  segments: string[]
}

/**
 * Every page and route handler under `app/` with at least one dynamic segment, as URL
 * patterns: route groups `(x)` are dropped; private folders `_x` and parallel slots `@x`
 * serve no URL of their own.
 */
function dynamicRoutesOf(appDir: string): DynamicRoute[] {
  const routes: DynamicRoute[] = []
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true })
    const parts = relative(appDir, dir).split(sep).filter(Boolean)
    if (parts.some((p) => p.startsWith('_') || p.startsWith('@'))) return
    if (entries.some((e) => e.isFile() && /^(page|route)\.(tsx?|jsx?)$/.test(e.name))) {
      const segments = parts.filter((p) => !/^\(.*\)$/.test(p))
      if (segments.some((s) => s.startsWith('['))) routes.push({ pattern: `/${segments.join('/')}`, segments })
    }
    for (const e of entries) if (e.isDirectory()) walk(join(dir, e.name))
  }
  walk(appDir)
  return routes.sort((a, b) => a.pattern.localeCompare(b.pattern))
}

/** One URL per (dynamic segment, sample): that segment replaced by the sample, the others by FILLER. */
function urlsFor(route: DynamicRoute, samples: string[]): string[] {
  const urls: string[] = []
  route.segments.forEach((segment, i) => {
    if (!segment.startsWith('[')) return
    for (const sample of samples) {
      urls.push(`/${route.segments.map((s, j) => (j === i ? sample : s.startsWith('[') ? FILLER : s)).join('/')}`)
    }
  })
  return urls
}

let store: RunningStore
let keyPrefix: string

beforeAll(async () => {
  keyPrefix = uniqueKeyPrefix('test-malformed')
  store = await startStore('auto', { ...currentStoreEnv(), keyPrefix })
}, 120_000)

afterAll(async () => {
  await store?.stop()
  if (keyPrefix) await deleteKeysWithPrefix(env.REDIS_URL, keyPrefix)
})

async function requestCounts(): Promise<{ client: number; server: Array<string> }> {
  const res = await fetch(`${store.url}/api/metrics`, { headers: { authorization: `Bearer ${env.METRICS_TOKEN}` } })
  expect(res.status).toBe(200)
  let client = 0
  const server: string[] = []
  for (const line of (await res.text()).split('\n')) {
    const m = /^storefront_requests_total\{endpoint="([^"]*)",outcome="(\w+)"\} (\d+)/.exec(line)
    if (!m) continue
    if (m[2] === 'client') client += Number(m[3])
    if (m[2] === 'server') server.push(`${m[1]}: ${m[3]}`)
  }
  return { client, server }
}

describe('malformed URLs on every dynamic route', () => {
  const routes = dynamicRoutesOf(join(process.cwd(), 'app'))

  it('finds the dynamic routes in app/ (pages and route handlers)', () => {
    expect(routes.map((r) => r.pattern)).toEqual(
      expect.arrayContaining(['/p/[slug]', '/c/[slug]', '/c/[slug]/[sort]/[page]', '/orders/[id]', '/api/stock/[productId]', '/api/trpc/[trpc]', '/img/p/[file]']),
    )
  })

  it('answers 400 or 404, never a 500, and /ops counts none of them as a server error', async () => {
    const urls = routes.flatMap((r) => [...urlsFor(r, MALFORMED), ...urlsFor(r, JUNK)])
    const answers: string[] = []
    for (const url of urls) {
      const res = await fetch(`${store.url}${url}`, { redirect: 'manual' })
      const body = await res.text()
      answers.push(`${res.status} ${url.slice(0, 80)}`)
      expect.soft([400, 404], `${url.slice(0, 120)} → ${res.status} ${body.slice(0, 200)}`).toContain(res.status)
      if (url.split('/').some((s) => MALFORMED.includes(s))) {
        expect.soft(res.status, `${url}: a malformed escape is a bad request`).toBe(400)
      }
    }
    expect(answers.length).toBe(routes.reduce((n, r) => n + r.segments.filter((s) => s.startsWith('[')).length, 0) * (MALFORMED.length + JUNK.length))

    const counts = await requestCounts()
    expect(counts.server, 'requests /ops counts as server errors').toEqual([])
    // tRPC's own recorder times procedures, so a URL that names no procedure is not counted at all.
    const counted = urls.filter((u) => !u.startsWith('/api/trpc/')).length
    expect(counts.client).toBe(counted)
  })
})

describe('hasMalformedSegment', () => {
  it.each(MALFORMED)('/p/%s is malformed', (segment) => expect(hasMalformedSegment(`/p/${segment}`)).toBe(true))
  it.each(JUNK.filter((s) => s.length < 100))('/p/%s decodes', (segment) => expect(hasMalformedSegment(`/p/${segment}`)).toBe(false))
})
