/**
 * Admin sessions that can be ended. The sealed httpOnly SameSite=Strict cookie (iron-session)
 * carries the id of an AdminSession row; a request is an admin's only while that row is open:
 *  - `logoutAdmin` ends the row, so every copy of the cookie (another tab, a stolen copy) stops
 *    working at once, on every instance;
 *  - `signOutEverywhere` ends every open row (the /ops lever);
 *  - a new ADMIN_PASSWORD_HASH ends every session opened under the old one (each row records
 *    a fingerprint of the hash it was opened under);
 *  - rows and seals expire after ADMIN_SESSION_TTL_SECONDS.
 * The password is checked against ADMIN_PASSWORD_HASH (scrypt); without it admin login is disabled.
 */
import { createHash, randomUUID } from 'node:crypto'
import { getIronSession, type CookieJar, type CookieStore, type SessionOptions } from 'iron-session'
import { env } from '../env'
import { AppError } from '../platform/errors'
import { logger } from '../platform/logger'
import { sessionSecret } from '../platform/secrets'
import { ADMIN_COOKIE, ADMIN_SESSION_TTL_SECONDS, adminSeal, type AdminSeal } from '../session/session.schema'
import * as repo from './admin-session.repo'
import { verifyPassword } from './password-hash'

const log = logger.child({ module: 'admin-auth' })

export const ADMIN_NAME = 'admin'
/** Expired rows are forgotten this long after expiry (at the next login). */
const EXPIRED_ROW_RETENTION_MS = 24 * 3_600_000

function options(): SessionOptions {
  return {
    cookieName: ADMIN_COOKIE,
    password: sessionSecret(),
    ttl: ADMIN_SESSION_TTL_SECONDS,
    cookieOptions: { httpOnly: true, sameSite: 'strict', secure: env.COOKIE_SECURE, path: '/' },
  }
}

type Jar = CookieJar | CookieStore

/** First 16 hex digits of sha256 of the password hash in force; '' when admin login is disabled. */
function credentialFingerprint(passwordHash: string | undefined = env.ADMIN_PASSWORD_HASH): string {
  return passwordHash ? createHash('sha256').update(passwordHash).digest('hex').slice(0, 16) : ''
}

/** The admin behind the cookie, or null: no cookie, a bad seal, or a session that was ended or expired. */
export async function readAdminSession(jar: Jar, now = new Date()): Promise<AdminSeal | null> {
  const session = await getIronSession<Partial<AdminSeal>>(jar, options())
  const parsed = adminSeal.safeParse({ admin: session.admin, sid: session.sid, name: session.name, at: session.at })
  if (!parsed.success) return null
  const row = await repo.findAdminSession(parsed.data.sid)
  if (!row || row.revokedAt || row.expiresAt <= now) return null
  const credential = credentialFingerprint()
  if (!credential || row.credential !== credential) return null
  return parsed.data
}

export async function loginAdmin(jar: Jar, password: string, now = new Date()): Promise<AdminSeal> {
  if (!env.ADMIN_PASSWORD_HASH) {
    throw new AppError('FORBIDDEN', 'Admin login is disabled: ADMIN_PASSWORD_HASH is not set on the server')
  }
  if (!(await verifyPassword(password, env.ADMIN_PASSWORD_HASH))) {
    log.warn('failed admin login')
    throw new AppError('UNAUTHENTICATED', 'Wrong password')
  }
  const seal: AdminSeal = { admin: true, sid: randomUUID(), name: ADMIN_NAME, at: now.getTime() }
  await repo.insertAdminSession({
    id: seal.sid,
    name: seal.name,
    credential: credentialFingerprint(),
    expiresAt: new Date(now.getTime() + ADMIN_SESSION_TTL_SECONDS * 1_000),
  })
  await repo.deleteExpiredAdminSessions(new Date(now.getTime() - EXPIRED_ROW_RETENTION_MS)).catch((error: unknown) => {
    log.warn({ err: error }, 'could not forget expired admin sessions')
  })
  const session = await getIronSession<Partial<AdminSeal>>(jar, options())
  Object.assign(session, seal)
  await session.save()
  log.info({ name: seal.name, session: seal.sid }, 'admin logged in')
  return seal
}

/** Ends the session behind the cookie (every copy of it) and clears the cookie. */
export async function logoutAdmin(jar: Jar, admin: AdminSeal, now = new Date()): Promise<void> {
  await repo.revokeAdminSession(admin.sid, 'logout', now)
  const session = await getIronSession<Partial<AdminSeal>>(jar, options())
  session.destroy()
  log.info({ name: admin.name, session: admin.sid }, 'admin logged out')
}

/** Ends every open admin session, the caller's own included. Returns how many were open. */
export async function signOutEverywhere(by: string, now = new Date()): Promise<{ ended: number }> {
  const ended = await repo.revokeAllAdminSessions(by, now)
  log.warn({ by, ended }, 'every admin session ended')
  return { ended }
}

/** Open admin sessions (for the /ops lever). */
export async function openAdminSessions(now = new Date()): Promise<number> {
  return repo.countOpenAdminSessions(now)
}
