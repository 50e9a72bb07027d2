/**
 * The answer to a request Node's HTTP parser refused before any handler saw it (the server's
 * 'clientError' event): a request line and headers over `maxHeaderSize` (16 KiB by default: a
 * 100,000-character URL), a malformed request, a request that timed out. Node's own answer is
 * a status line with an empty body; ours says what was wrong, like every other 4xx the store
 * gives: the tRPC error shape (JSON, as server/trpc/body-limit.ts's 413) for a tRPC path, a
 * short text otherwise. The connection is then closed (the parser cannot go on with it).
 *
 * Used by both HTTP processes: the web server (server/web/web-server.ts) and the API service
 * (server/api/api-server.ts).
 */
import { maxHeaderSize, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { logger } from './logger'

const log = logger.child({ module: 'client-error' })

/** Where tRPC is served (the same prefix on the web server and the API service). */
const TRPC_PATH_PREFIX = '/api/trpc/'
/** The request line's start, when the parser's packet holds it: method and path. */
const REQUEST_LINE = /^[A-Z]{3,10} (\S{1,64})/

/** A parser error as Node hands it to 'clientError'. */
export type ClientError = Error & { code?: string; rawPacket?: Buffer }

export interface ClientErrorAnswer {
  status: number
  /** Whether the request was for a tRPC path (the body is then JSON in the tRPC error shape). */
  trpc: boolean
  contentType: string
  body: string
}

function statusAndMessage(code: string | undefined): { status: number; message: string } {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      message: `Request header fields too large: the address (URL) and headers may be at most ${maxHeaderSize} bytes together. Use a shorter address.`,
    }
  }
  if (code === 'HPE_REQUEST_TIMEOUT' || code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, message: 'Request timeout: the request was not received in time. Please try again.' }
  }
  return { status: 400, message: 'Bad request: the request could not be read as HTTP.' }
}

/**
 * The answer for a refused request: 431 (header overflow), 408 (timeout) or 400 (anything else
 * the parser refused), with a body in the shape its path calls for (see above).
 */
export function clientErrorAnswer(error: ClientError): ClientErrorAnswer {
  const { status, message } = statusAndMessage(error.code)
  const path = REQUEST_LINE.exec(error.rawPacket?.subarray(0, 80).toString('latin1') ?? '')?.[1] ?? ''
  if (path.startsWith(TRPC_PATH_PREFIX)) {
    const body = JSON.stringify({ error: { json: { message, code: -32600, data: { code: 'BAD_REQUEST', httpStatus: status, appCode: null } } } })
    return { status, trpc: true, contentType: 'application/json', body }
  }
  return { status, trpc: false, contentType: 'text/plain; charset=utf-8', body: message }
}

const REASONS: Readonly<Record<number, string>> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }

/** Writes the answer to the socket and closes it; a socket already gone (reset) is only destroyed. */
export function answerClientError(error: ClientError, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
    return
  }
  const answer = clientErrorAnswer(error)
  log.debug({ code: error.code, status: answer.status }, 'request refused by the HTTP parser')
  const body = Buffer.from(answer.body, 'utf8')
  socket.end(
    `HTTP/1.1 ${answer.status} ${REASONS[answer.status] ?? 'Bad Request'}\r\n` +
      `content-type: ${answer.contentType}\r\n` +
      `content-length: ${body.length}\r\n` +
      'cache-control: no-store\r\n' +
      'x-content-type-options: nosniff\r\n' +
      'connection: close\r\n\r\n' +
      body.toString('utf8'),
  )
}

/** Answers every parser refusal of `server` with a readable body (see above). */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: ClientError, socket: Duplex) => answerClientError(error, socket))
}
