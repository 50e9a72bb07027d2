/** AdminSession rows: the server-side half of an admin login (see prisma/schema.prisma). */
import { db } from '../platform/db'

export interface AdminSessionRow {
  id: string
  name: string
  credential: string
  expiresAt: Date
  revokedAt: Date | null
}

export async function insertAdminSession(row: { id: string; name: string; credential: string; expiresAt: Date }): Promise<void> {
  await db.adminSession.create({ data: row })
}

export async function findAdminSession(id: string): Promise<AdminSessionRow | null> {
  return db.adminSession.findUnique({ where: { id }, select: { id: true, name: true, credential: true, expiresAt: true, revokedAt: true } })
}

/** Ends one session (idempotent: an ended one keeps its first end). */
export async function revokeAdminSession(id: string, by: string, now: Date): Promise<void> {
  await db.adminSession.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now, revokedBy: by } })
}

/** Ends every open session; returns how many were open. */
export async function revokeAllAdminSessions(by: string, now: Date): Promise<number> {
  const { count } = await db.adminSession.updateMany({ where: { revokedAt: null, expiresAt: { gt: now } }, data: { revokedAt: now, revokedBy: by } })
  return count
}

/** Sessions that are neither ended nor expired. */
export async function countOpenAdminSessions(now: Date): Promise<number> {
  return db.adminSession.count({ where: { revokedAt: null, expiresAt: { gt: now } } })
}

/** Forgets sessions that expired before `before` (housekeeping at each login). */
export async function deleteExpiredAdminSessions(before: Date): Promise<void> {
  await db.adminSession.deleteMany({ where: { expiresAt: { lt: before } } })
}
