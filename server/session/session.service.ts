/**
 * Shopper sessions: a sealed, httpOnly, SameSite=Lax cookie (iron-session) that carries
 * only a random session id; the session's data lives in Redis under `session:{sid}` with a
 * sliding 1-hour TTL. Sessions are created lazily by the first call that needs one, so
 * shared pages never carry a Set-Cookie and stay CDN-cacheable.
 */
import { randomBytes } from 'node:crypto'
import { getIronSession, type CookieJar, type SessionOptions } from 'iron-session'
import { env } from '../env'
import { AppError } from '../platform/errors'
import { logger } from '../platform/logger'
import { keys, TTL } from '../platform/cache'
import { redis } from '../platform/redis'
import { sessionSecret } from '../platform/secrets'
import { SHOPPER_COOKIE, shopperSeal } from './session.schema'

const log = logger.child({ module: 'session' })

/** Shopper sessions slide: activity pushes expiry out to this again. */
export const SESSION_TTL_SECONDS = TTL.session.ttlMs / 1_000

export interface ShopperSessionHandle {
  /** The current session id, if the request carried a valid cookie. */
  readonly sid: string | null
  /** True when a cookie was present but could not be unsealed (tampered or foreign). */
  readonly invalid: boolean
  /** Returns the session id, creating the session (and its cookie) when there is none. */
  ensure(): Promise<string>
}


function cookieOptions(): SessionOptions {
  return {
    cookieName: SHOPPER_COOKIE,
    password: sessionSecret(),
    ttl: 30 * 24 * 3_600,
    cookieOptions: { httpOnly: true, sameSite: 'lax' as const, secure: env.COOKIE_SECURE, path: '/' },
  }
}

/**
 * Verified cookies → session id, per process. Unsealing is WebCrypto work on every request
 * (it showed up as ~10 % of a checkout's CPU in a profile); the same cookie bytes always
 * unseal to the same id, so a verified cookie is trusted for UNSEALED_CACHE_MS. Seals last
 * 30 days, so this can accept a seal at most that long past its expiry.
 */
export const UNSEALED_CACHE_MS = 5 * 60_000
const UNSEALED_MAX = 20_000
const globalForSeals = globalThis as unknown as { __unsealed?: Map<string, { sid: string; until: number }> }
const unsealed = (globalForSeals.__unsealed ??= new Map())

function handleFor(sid: string): ShopperSessionHandle {
  return { sid, invalid: false, ensure: () => Promise.resolve(sid) }
}

export async function readShopperSession(jar: CookieJar, now = Date.now()): Promise<ShopperSessionHandle> {
  const raw = jar.read(SHOPPER_COOKIE)
  const known = raw ? unsealed.get(raw) : undefined
  if (known && known.until > now) {
    await touchSession(known.sid, now)
    return handleFor(known.sid)
  }
  let invalid = false
  const session = await getIronSession<{ sid?: string }>(jar, {
    ...cookieOptions(),
    // iron-session starts a fresh session on any unseal error; we want to know it happened.
    onUnsealError: (reason) => {
      if (reason !== 'expired') invalid = true
    },
  })
  const parsed = shopperSeal.safeParse({ sid: session.sid })
  let sid = parsed.success ? parsed.data.sid : null
  if (raw && !sid && !invalid) invalid = true
  if (sid && raw) {
    if (unsealed.size >= UNSEALED_MAX) unsealed.clear()
    unsealed.set(raw, { sid, until: now + UNSEALED_CACHE_MS })
  }
  if (sid) await touchSession(sid, now)
  return {
    get sid() {
      return sid
    },
    invalid,
    async ensure() {
      if (sid) return sid
      sid = randomBytes(18).toString('base64url')
      session.sid = sid
      await session.save()
      await touchSession(sid)
      return sid
    },
  }
}

/**
 * Sessions touched by this process recently. Sliding a 1-hour TTL needs no per-request
 * precision, so a busy shopper costs one Redis write per TOUCH_INTERVAL_MS, not one per call.
 */
export const TOUCH_INTERVAL_MS = 60_000
const TOUCHED_MAX = 50_000
const globalForTouch = globalThis as unknown as { __sessionTouched?: Map<string, number> }
const touched = (globalForTouch.__sessionTouched ??= new Map())

/** Slides the session's expiry; best effort (a Redis hiccup must not fail the request). */
export async function touchSession(sid: string, now = Date.now()): Promise<void> {
  const last = touched.get(sid)
  if (last !== undefined && now - last < TOUCH_INTERVAL_MS) return
  if (touched.size >= TOUCHED_MAX) touched.clear()
  touched.set(sid, now)
  try {
    await redis.set(keys.session(sid), Date.now(), { ex: SESSION_TTL_SECONDS })
  } catch (error) {
    log.warn({ err: error }, 'could not refresh session TTL')
  }
}

/** The error a request with a tampered or foreign cookie gets; nothing is written. */
export function invalidSessionError(): AppError {
  return new AppError('UNAUTHENTICATED', 'Your session cookie is not valid. Reload the page to start a new session.')
}
