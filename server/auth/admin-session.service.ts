/**
 * Admin sessions: a sealed httpOnly SameSite=Strict cookie (iron-session) whose seal
 * expires after ADMIN_SESSION_TTL_SECONDS. The password is checked against
 * ADMIN_PASSWORD_HASH (scrypt); without that variable admin login is disabled.
 */
import { getIronSession, type CookieJar, type CookieStore, type SessionOptions } from 'iron-session'
import { env } from '../env'
import { AppError } from '../platform/errors'
import { logger } from '../platform/logger'
import { sessionSecret } from '../platform/secrets'
import { ADMIN_COOKIE, ADMIN_SESSION_TTL_SECONDS, adminSeal, type AdminSeal } from '../session/session.schema'
import { verifyPassword } from './password-hash'

const log = logger.child({ module: 'admin-auth' })

export const ADMIN_NAME = 'admin'

function options(): SessionOptions {
  return {
    cookieName: ADMIN_COOKIE,
    password: sessionSecret(),
    ttl: ADMIN_SESSION_TTL_SECONDS,
    cookieOptions: { httpOnly: true, sameSite: 'strict', secure: env.COOKIE_SECURE, path: '/' },
  }
}

type Jar = CookieJar | CookieStore

export async function readAdminSession(jar: Jar): Promise<AdminSeal | null> {
  const session = await getIronSession<Partial<AdminSeal>>(jar, options())
  const parsed = adminSeal.safeParse({ admin: session.admin, name: session.name, at: session.at })
  return parsed.success ? parsed.data : null
}

export async function loginAdmin(jar: Jar, password: string): Promise<AdminSeal> {
  if (!env.ADMIN_PASSWORD_HASH) {
    throw new AppError('FORBIDDEN', 'Admin login is disabled: ADMIN_PASSWORD_HASH is not set on the server')
  }
  if (!(await verifyPassword(password, env.ADMIN_PASSWORD_HASH))) {
    log.warn('failed admin login')
    throw new AppError('UNAUTHENTICATED', 'Wrong password')
  }
  const session = await getIronSession<Partial<AdminSeal>>(jar, options())
  const seal: AdminSeal = { admin: true, name: ADMIN_NAME, at: Date.now() }
  Object.assign(session, seal)
  await session.save()
  log.info({ name: seal.name }, 'admin logged in')
  return seal
}

export async function logoutAdmin(jar: Jar): Promise<void> {
  const session = await getIronSession<Partial<AdminSeal>>(jar, options())
  session.destroy()
}
