/**
 * Cached product page: `next start` against a plain `node:http` server that sends the very
 * same bytes. Both are asked with `accept-encoding: gzip`; the plain server replays the
 * gzip body and headers Next answered with, so the wire bytes and compression are identical
 * and the difference is what Next does per request (routing, cache lookup, compression).
 * Used by `npm run bench` and bench/catalog-prewarm.ts.
 */
import { createServer, type Server } from 'node:http'
import { request } from 'undici'

export const PAGE_REQUEST_HEADERS = { 'accept-encoding': 'gzip', accept: 'text/html' }

export interface PageTwin {
  origin: string
  bytes: number
  contentEncoding: string | null
  close(): Promise<void>
}

/** Fetches `url` as a browser would (gzip) and serves its exact answer from node:http on a free port. */
export async function servePageTwin(url: string): Promise<PageTwin> {
  const sample = await request(url, { headers: PAGE_REQUEST_HEADERS })
  const body = Buffer.from(await sample.body.arrayBuffer())
  if (sample.statusCode !== 200) throw new Error(`${url} answered ${sample.statusCode}`)
  const header = (name: string) => {
    const v = sample.headers[name]
    return Array.isArray(v) ? v[0]! : (v ?? null)
  }
  const contentEncoding = header('content-encoding')
  const headers: Record<string, string> = {
    'content-type': header('content-type') ?? 'text/html; charset=utf-8',
    'content-length': String(body.length),
    vary: 'Accept-Encoding',
    ...(contentEncoding ? { 'content-encoding': contentEncoding } : {}),
  }
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, headers)
    res.end(body)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('page twin is not listening on TCP')
  return {
    origin: `http://127.0.0.1:${address.port}`,
    bytes: body.length,
    contentEncoding,
    close: () => new Promise((r) => server.close(() => r())),
  }
}
