/**
 * Cached product page: `next start` (or the edge) against a plain `node:http` server, in a
 * process of its own, that sends the very same bytes. Both are asked with `accept-encoding:
 * gzip`; the plain server replays the gzip body and every header the contender answered with,
 * so the wire bytes and compression are identical and the difference is what the contender
 * does per request (routing, cache lookup, compression).
 * Used by `npm run bench` and bench/catalog-prewarm.ts.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { closedLoop } from './closed-loop'
import type { RecordedAnswer } from './page-twin-server'

const TWIN_SERVER = fileURLToPath(new URL('./page-twin-server.ts', import.meta.url))

export const PAGE_REQUEST_HEADERS = { 'accept-encoding': 'gzip', accept: 'text/html' }
/** The twin's warm-up, discarded: this long (ms) at this many connections. */
export const TWIN_WARMUP_MS = 1_000
export const TWIN_WARMUP_CONNECTIONS = 50

export interface PageTwin {
  origin: string
  /** The twin server's process (for its CPU time: bench/process-cpu.ts). */
  pid: number
  bytes: number
  contentEncoding: string | null
  close(): Promise<void>
}

/**
 * Headers the twin does not replay: those of the connection, not the answer, and `Date`, which
 * node:http writes itself (the same 37 bytes, fresh each second).
 */
const NOT_REPLAYED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date'])

/**
 * Fetches `url` as a browser would (gzip) and serves its exact answer, every header of it and
 * the same body, from plain node:http in a process of its own (bench/page-twin-server.ts) on a
 * free port. Same wire bytes, so the reader (the load generator) does the same work for either.
 * Throws when `url` does not answer 200 or the twin does not start.
 */
export async function servePageTwin(url: string): Promise<PageTwin> {
  const sample = await request(url, { headers: PAGE_REQUEST_HEADERS })
  const body = Buffer.from(await sample.body.arrayBuffer())
  if (sample.statusCode !== 200) throw new Error(`${url} answered ${sample.statusCode}`)
  const headers: RecordedAnswer['headers'] = {}
  for (const [name, value] of Object.entries(sample.headers)) {
    if (value !== undefined && !NOT_REPLAYED.has(name)) headers[name] = value
  }
  headers['content-length'] = String(body.length)
  const encoding = sample.headers['content-encoding']
  const contentEncoding = (Array.isArray(encoding) ? encoding[0] : encoding) ?? null
  const dir = await mkdtemp(join(tmpdir(), 'page-twin-'))
  const answerFile = join(dir, 'answer.json')
  await writeFile(answerFile, JSON.stringify({ headers, bodyBase64: body.toString('base64') } satisfies RecordedAnswer))
  const child = spawn(process.execPath, ['--import', 'tsx', TWIN_SERVER, answerFile], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (line) resolve((JSON.parse(line) as { port: number }).port)
    })
    void exited.then(() => reject(new Error('the page twin exited before it listened')))
  })
  const origin = `http://127.0.0.1:${port}`
  // A fresh process: compile the request path before anything is measured.
  await closedLoop(origin, { path: '/', headers: PAGE_REQUEST_HEADERS }, TWIN_WARMUP_CONNECTIONS, TWIN_WARMUP_MS)
  return {
    origin,
    pid: child.pid!,
    bytes: body.length,
    contentEncoding,
    close: async () => {
      child.kill('SIGTERM')
      await exited
      await rm(dir, { recursive: true, force: true })
    },
  }
}
