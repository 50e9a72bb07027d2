/**
 * Reply encoding of the local Upstash-compatible gateway (server/gateway/gateway.ts).
 *
 * The gateway asks ioredis for raw replies: bulk and status strings arrive as Buffers,
 * integers as numbers, nil as null, arrays as (nested) arrays. This module turns one of
 * those into the JSON value Upstash puts in `result`:
 *
 * - with `Upstash-Encoding: base64` (the @upstash/redis default) every string, at any
 *   depth, is sent as the base64 of its bytes, so binary values survive JSON intact;
 * - without it, strings are sent as UTF-8 text (lossy for bytes that are not UTF-8);
 * - integers and null are never encoded; top-level errors are not encoded either (they
 *   go in `error`, which the caller writes as plain text).
 *
 * An error *nested inside* an array reply (a Lua table holding `redis.error_reply`) has
 * no `{ error }` slot of its own, so it is rendered as its message string and encoded
 * like any other string.
 */

export type ResponseEncoding = 'base64' | 'utf8'

/** What ends up in `result`. */
export type JsonReply = string | number | null | JsonReply[]

/** The header the Upstash SDK sends, on by default. Matched case-insensitively. */
export const ENCODING_HEADER = 'upstash-encoding'

export function responseEncodingOf(header: string | string[] | undefined): ResponseEncoding {
  const value = Array.isArray(header) ? header[0] : header
  return value?.trim().toLowerCase() === 'base64' ? 'base64' : 'utf8'
}

/** True for a reply error from Redis (`ERR …`, `WRONGTYPE …`, `NOSCRIPT …`), as opposed to a connection failure. */
export function isRedisReplyError(value: unknown): value is Error {
  return value instanceof Error && value.name === 'ReplyError'
}

export function encodeReply(reply: unknown, encoding: ResponseEncoding): JsonReply {
  if (reply === null || reply === undefined) return null
  if (Buffer.isBuffer(reply)) return encoding === 'base64' ? reply.toString('base64') : reply.toString('utf8')
  if (typeof reply === 'string') return encodeText(reply, encoding)
  if (typeof reply === 'number') return reply
  if (typeof reply === 'bigint') {
    return Number.isSafeInteger(Number(reply)) ? Number(reply) : encodeText(reply.toString(), encoding)
  }
  // RESP3-only shapes; the gateway speaks RESP2, but stay total rather than throw.
  if (typeof reply === 'boolean') return reply ? 1 : 0
  if (Array.isArray(reply)) return reply.map((item: unknown) => encodeReply(item, encoding))
  if (reply instanceof Error) return encodeText(reply.message, encoding)
  return encodeText(String(reply), encoding)
}

function encodeText(text: string, encoding: ResponseEncoding): string {
  return encoding === 'base64' ? Buffer.from(text, 'utf8').toString('base64') : text
}
