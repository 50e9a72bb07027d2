/**
 * The health paths on a plain Node server (how the worker's metrics port and the API service
 * answer them), against this run's real PostgreSQL and Redis.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveHealth } from './health-http'
import { HEALTH_PATHS } from './health-paths'

describe('serveHealth on a plain Node server', () => {
  let server: Server
  let base: string
  beforeAll(async () => {
    server = createServer((req, res) => {
      void serveHealth(req, res).then((served) => {
        if (!served) res.writeHead(404).end('not a health path')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('answers liveness and readiness like the web process, never cacheable', async () => {
    const live = await fetch(`${base}${HEALTH_PATHS.live}`)
    expect(live.status).toBe(200)
    expect(live.headers.get('cache-control')).toBe('no-store')
    expect(await live.json()).toEqual({ status: 'live' })
    const ready = await fetch(`${base}${HEALTH_PATHS.ready}?probe=kubelet`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({ status: 'ready', failed: [], checks: { database: { ok: true }, redis: { ok: true } } })
  })

  it('leaves other paths to the server, refuses other methods, and sends no body to HEAD', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(404)
    const post = await fetch(`${base}${HEALTH_PATHS.ready}`, { method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
    const head = await fetch(`${base}${HEALTH_PATHS.live}`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })
})
