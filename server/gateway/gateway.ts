/**
 * The project's local **Upstash-compatible REST gateway**: an HTTP server that speaks the
 * Upstash Redis REST protocol and runs the commands on a real Redis, so `@upstash/redis`
 * and `@upstash/ratelimit` work unchanged on a developer machine and in CI.
 *
 * It is hand-written because no npm package provides one: the reference implementation,
 * hiett/serverless-redis-http, is an Elixir application distributed as a Docker image,
 * and this machine has neither a Docker engine nor network access beyond npm. It is
 * built on `node:http` and `ioredis` only.
 *
 * ## Protocol (as Upstash and serverless-redis-http speak it)
 *
 * - `Authorization: Bearer <token>` on every request; missing or wrong → 401
 *   `{"error":"Unauthorized"}`. The token is compared in constant time.
 * - `POST /` with one command as a JSON array (`["set","k","v","EX",100]`) → 200
 *   `{"result": …}`; a Redis error → 400 `{"error":"ERR …"}`.
 * - `POST /pipeline` with an array of commands → 200 with one `{"result"}` or
 *   `{"error"}` per command; a Redis error in one command stays inside the 200.
 * - `POST /multi-exec`: the same shape, run as one MULTI/EXEC transaction. A command
 *   Redis refuses while queueing (unknown command, wrong arity) aborts the whole
 *   transaction → 400 `{"error":"EXECABORT …"}`; a runtime error (WRONGTYPE) is
 *   reported per item like /pipeline.
 * - `Upstash-Encoding: base64` → every string in `result` is base64 (see gateway-encoding.ts).
 * - Malformed bodies → 400, bodies over {@link MAX_BODY_BYTES} → 413, other paths → 404,
 *   other methods → 405. Commands that would pin or re-configure the shared connection
 *   (SUBSCRIBE, BLPOP, SELECT, MULTI via `/`, …) → 400; gateway-commands.ts explains why.
 * - Lua scripts: Upstash accepts the shebang flag `allow-key-locking` (every
 *   @upstash/ratelimit script has it) and Redis does not; the gateway strips it and
 *   translates script SHA1s to match (gateway-scripts.ts).
 * - Upstash's path form (`GET /set/k/v`) is not implemented: the SDKs never use it.
 *
 * ## Backends
 *
 * The gateway runs commands on a {@link RedisBackend} (gateway-backend.ts): by default the
 * real Redis at `redisUrl`, through one shared ioredis connection (gateway-ioredis-backend.ts);
 * with `emulateRedis: true`, an in-process Redis emulation that runs Lua
 * (gateway-emulated-backend.ts), which `npm start` uses on a machine without Redis.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { UpstreamError, messageOf, type BackendItem } from './gateway-backend'
import { parseCommand, parseCommandList, parseJsonBody } from './gateway-commands'
import { createEmulatedBackend } from './gateway-emulated-backend'
import { connectIoredisBackend } from './gateway-ioredis-backend'
import { ScriptCompat, type AdaptedCommand } from './gateway-scripts'
import { ENCODING_HEADER, encodeReply, responseEncodingOf, type JsonReply, type ResponseEncoding } from './gateway-encoding'
import { listen } from '../platform/listen'

/** Largest request body accepted; larger ones get 413 without being parsed. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024

/** How long close() lets in-flight requests finish before cutting their connections. */
const CLOSE_GRACE_MS = 5_000

export type GatewayOptions = {
  /** TCP port; 0 picks a free one (read it back from the result). */
  port: number
  /** Interface to bind; default 127.0.0.1 (the gateway is for this machine only). */
  host?: string
  /** Bearer token clients must send. */
  token: string
  /** Receives lifecycle and failure messages; silent when omitted. */
  logger?: (msg: string) => void
} & (
  | {
      /** redis:// or rediss:// URL of the Redis to front. */
      redisUrl: string
      emulateRedis?: never
    }
  | {
      /** Front an in-process Redis emulation instead (in memory, gone when the gateway closes). */
      emulateRedis: true
      redisUrl?: never
    }
)

export interface Gateway {
  /** Base URL for `new Redis({ url })`, e.g. `http://127.0.0.1:8079`. */
  url: string
  port: number
  /** What it fronts: the Redis URL (password hidden) or `in-process Redis emulation`. */
  backend: string
  /** Stops accepting requests, lets in-flight ones finish, then closes the Redis connection. */
  close(): Promise<void>
}

type ItemReply = { result: JsonReply } | { error: string }

interface HttpReply {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const host = opts.host ?? '127.0.0.1'
  const log = opts.logger ?? (() => {})
  if (opts.token.length === 0) throw new Error('startGateway: token must not be empty')

  const backend = opts.emulateRedis ? createEmulatedBackend() : await connectIoredisBackend(opts.redisUrl, log)
  const checkAuth = authChecker(opts.token)
  const scripts = new ScriptCompat()

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request ${req.method ?? '?'} ${req.url ?? '?'} failed: ${messageOf(error)}`)
      if (!res.headersSent) send(res, { status: 500, body: { error: 'ERR internal gateway error' } })
      else res.destroy()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!checkAuth(req.headers.authorization)) return send(res, { status: 401, body: { error: 'Unauthorized' } })

    const path = routeOf(req.url)
    if (path === null) {
      return send(res, {
        status: 404,
        body: { error: `ERR unknown path ${pathnameOf(req.url)}: use POST /, /pipeline or /multi-exec` },
      })
    }
    if (req.method !== 'POST') {
      return send(res, {
        status: 405,
        body: { error: `ERR method ${req.method ?? '?'} not allowed: use POST` },
        headers: { allow: 'POST' },
      })
    }

    const body = await readBody(req, MAX_BODY_BYTES)
    if (body === null) {
      return send(res, { status: 413, body: { error: `ERR request body is larger than ${MAX_BODY_BYTES} bytes` } })
    }
    const json = parseJsonBody(body)
    if (!json.ok) return send(res, { status: 400, body: { error: json.error } })

    const encoding = responseEncodingOf(req.headers[ENCODING_HEADER])
    try {
      send(res, await run(path, json.value, encoding))
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error
      log(`redis unavailable: ${error.message}`)
      send(res, { status: 502, body: { error: `ERR gateway cannot reach Redis: ${error.message}` } })
    }
  }

  async function run(path: Route, value: unknown, encoding: ResponseEncoding): Promise<HttpReply> {
    if (path === '/') {
      const parsed = parseCommand(value)
      if (!parsed.ok) return { status: 400, body: { error: parsed.error } }
      const adapted = scripts.adapt(parsed.value)
      const item = toItemReply(await backend.single(adapted.command), adapted, encoding)
      return { status: 'error' in item ? 400 : 200, body: item }
    }
    const parsed = parseCommandList(value)
    if (!parsed.ok) return { status: 400, body: { error: parsed.error } }
    const adapted = parsed.value.map((command) => scripts.adapt(command))
    const commands = adapted.map((a) => a.command)
    if (path === '/pipeline') return { status: 200, body: toItemReplies(await backend.pipeline(commands), adapted, encoding) }
    const result = await backend.transaction(commands)
    if ('aborted' in result) return { status: 400, body: { error: result.aborted } }
    return { status: 200, body: toItemReplies(result.items, adapted, encoding) }
  }

  let url: string
  try {
    url = await listen(server, host, opts.port)
  } catch (error) {
    await backend.close()
    throw new Error(`gateway: cannot listen on ${host}:${opts.port}: ${messageOf(error)}`)
  }
  log(`listening on ${url}, Redis ${backend.description}`)

  let closing: Promise<void> | null = null
  return {
    url,
    port: Number(new URL(url).port),
    backend: backend.description,
    close() {
      closing ??= (async () => {
        await stopServer(server)
        await backend.close()
        log('closed')
      })()
      return closing
    },
  }
}

// ---------------------------------------------------------------------------------------------
// Replies

function toItemReply(item: BackendItem, adapted: AdaptedCommand, encoding: ResponseEncoding): ItemReply {
  return item.ok ? { result: encodeReply(adapted.mapReply(item.reply), encoding) } : { error: item.error }
}

function toItemReplies(items: BackendItem[], adapted: AdaptedCommand[], encoding: ResponseEncoding): ItemReply[] {
  if (items.length !== adapted.length) throw new UpstreamError(`expected ${adapted.length} replies, got ${items.length}`)
  return items.map((item, index) => toItemReply(item, adapted[index]!, encoding))
}

// ---------------------------------------------------------------------------------------------
// HTTP

type Route = '/' | '/pipeline' | '/multi-exec'

function pathnameOf(rawUrl: string | undefined): string {
  try {
    return new URL(rawUrl ?? '/', 'http://gateway.invalid').pathname
  } catch {
    return rawUrl ?? '/'
  }
}

function routeOf(rawUrl: string | undefined): Route | null {
  const pathname = pathnameOf(rawUrl)
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname
  return path === '/' || path === '/pipeline' || path === '/multi-exec' ? path : null
}

/** Constant-time check of `Authorization: Bearer <token>` (hashing first makes the lengths equal). */
function authChecker(token: string): (header: string | undefined) => boolean {
  const expected = sha256(token)
  return (header) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
    const given = match?.[1]
    return given !== undefined && timingSafeEqual(sha256(given), expected)
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

/** The whole body, or null when it exceeds `limit` (the rest is read and discarded, so keep-alive survives). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(null)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    req.on('data', (chunk: Buffer) => {
      if (settled) return
      size += chunk.length
      if (size > limit) {
        settled = true
        chunks.length = 0
        resolve(null)
      } else {
        chunks.push(chunk)
      }
    })
    req.on('end', () => {
      if (settled) return
      settled = true
      resolve(Buffer.concat(chunks, size))
    })
    const fail = (error: Error) => {
      if (settled) return
      settled = true
      reject(error)
    }
    req.on('error', fail)
    req.on('close', () => fail(new Error('client closed the request before sending the whole body')))
  })
}

function send(res: ServerResponse, reply: HttpReply): void {
  const payload = JSON.stringify(reply.body)
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
    ...reply.headers,
  })
  res.end(payload)
}


function stopServer(server: ReturnType<typeof createServer>): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS)
    force.unref()
    server.close(() => {
      clearTimeout(force)
      resolve()
    })
    server.closeIdleConnections()
  })
}
