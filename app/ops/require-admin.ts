import 'server-only'

import { cookies } from 'next/headers'
import { redirect } from 'next/navigation'
import { readAdminSession } from '@/server/auth/admin-session.service'
import type { AdminSeal } from '@/server/session/session.schema'

export const LOGIN_PATH = '/ops/login'

/**
 * Every /ops page calls this first: no admin session → a redirect to the login page before
 * anything is rendered, so an anonymous response carries no admin data. (The data itself
 * comes from admin-only tRPC procedures, which check again on every call.)
 */
export async function requireAdmin(): Promise<AdminSeal> {
  const admin = await readAdminSession(await cookies())
  if (!admin) redirect(LOGIN_PATH)
  return admin
}
