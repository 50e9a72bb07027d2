/**
 * The waiting room's ticket: `<base64url(JSON payload)>.<base64url(HMAC-SHA256(payload part))>`.
 *
 * Payload `{ v: 1, id, seq, fs, s }`: format version, the place's random id (the Redis record
 * `wr:t:{id}`), its first-seen sequence number and time (ms since the epoch), and `s`, the
 * session binding: a truncated HMAC of the shopper's session id (never the id itself, which is
 * the shopper's bearer credential). The MAC key is derived with HKDF-SHA256 from the session
 * secret (`info` = TICKET_KEY_INFO), so rotating that secret voids every ticket, and a ticket MAC
 * can never be confused with a cookie seal made from the same secret.
 *
 * Hand-written rather than a JWT library: the format is two base64url parts and one HMAC, node:crypto
 * does all of it (HKDF, HMAC, timingSafeEqual), and a JWT's header (`alg` choice) is attack surface
 * a fixed format does not need. Idea: Queue-it's KnownUser tokens (signed, bound, with a validity
 * window; replay protection is the Redis record's state, see waiting-room.scripts.ts).
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { AppError } from '../platform/errors'
import { sessionSecret } from '../platform/secrets'
import { ticketSchema } from './waiting-room.schema'

/** The payload format this code writes and accepts. */
export const TICKET_VERSION = 1
/** HKDF `info`: what the derived key is for (a new format gets a new info, hence a new key). */
export const TICKET_KEY_INFO = 'storefront waiting-room ticket v1'
/** Bytes of the session binding's HMAC kept (16 bytes = 128 bits: unguessable, short). */
export const SESSION_BINDING_BYTES = 16
const KEY_BYTES = 32

export interface TicketPayload {
  v: number
  /** The place's id (a random UUID). */
  id: string
  /** First-seen sequence number (the line's order). */
  seq: number
  /** First seen, ms since the epoch. */
  fs: number
  /** Session binding (see sessionBinding). */
  s: string
}

const payloadSchema = z
  .object({
    v: z.number().int(),
    id: z.uuid(),
    seq: z.number().int().min(1),
    fs: z.number().int().min(0),
    s: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  })
  .strict()

const keys = new Map<string, Buffer>()

/** The ticket MAC key for `secret` (HKDF-SHA256, no salt, info TICKET_KEY_INFO), derived once per secret. */
function macKey(secret: string): Buffer {
  let key = keys.get(secret)
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), TICKET_KEY_INFO, KEY_BYTES))
    keys.set(secret, key)
  }
  return key
}

function mac(data: string, secret: string): Buffer {
  return createHmac('sha256', macKey(secret)).update(data).digest()
}

/** The session binding of `sid`: base64url of the first SESSION_BINDING_BYTES of HMAC(key, "session:" + sid). */
export function sessionBinding(sid: string, secret: string = sessionSecret()): string {
  return mac(`session:${sid}`, secret).subarray(0, SESSION_BINDING_BYTES).toString('base64url')
}

/** The signed ticket for `payload` (deterministic: the same place always gives the same string). */
export function signTicket(payload: TicketPayload, secret: string = sessionSecret()): string {
  // Fields in a fixed order, so re-signing a place gives byte-identical tickets.
  const body = Buffer.from(JSON.stringify({ v: payload.v, id: payload.id, seq: payload.seq, fs: payload.fs, s: payload.s })).toString('base64url')
  return `${body}.${mac(body, secret).toString('base64url')}`
}

const INVALID_MESSAGE = 'This waiting-room ticket is not valid. Place your order again to join the line.'
const NOT_YOURS_MESSAGE = 'This waiting-room ticket belongs to another shopper session. Place your order again from this browser to join the line.'

/**
 * The payload of a ticket this store signed for the session `sid`. Throws
 *  - TICKET_INVALID (400): not a ticket, a MAC that does not match (forged or tampered), a
 *    payload that does not parse, or another format version;
 *  - TICKET_NOT_YOURS (403): a genuine ticket bound to another session.
 * The MAC is compared with timingSafeEqual before the payload is even decoded.
 */
export function verifyTicket(ticket: string, sid: string, secret: string = sessionSecret()): TicketPayload {
  if (!ticketSchema.safeParse(ticket).success) throw new AppError('TICKET_INVALID', INVALID_MESSAGE)
  const [body, sig] = ticket.split('.') as [string, string]
  const given = Buffer.from(sig, 'base64url')
  const expected = mac(body, secret)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError('TICKET_INVALID', INVALID_MESSAGE)
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  } catch {
    throw new AppError('TICKET_INVALID', INVALID_MESSAGE)
  }
  const parsed = payloadSchema.safeParse(decoded)
  if (!parsed.success || parsed.data.v !== TICKET_VERSION) throw new AppError('TICKET_INVALID', INVALID_MESSAGE)
  const binding = Buffer.from(sessionBinding(sid, secret))
  const claimed = Buffer.from(parsed.data.s)
  if (binding.length !== claimed.length || !timingSafeEqual(binding, claimed)) throw new AppError('TICKET_NOT_YOURS', NOT_YOURS_MESSAGE)
  return parsed.data
}
