import { z } from 'zod'

export const SHOPPER_COOKIE = 'sf_session'
export const ADMIN_COOKIE = 'sf_admin'
/** Admin sessions do not slide; the seal and its AdminSession row expire together. */
export const ADMIN_SESSION_TTL_SECONDS = 8 * 3_600

export const sessionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/)

export const shopperSeal = z.object({ sid: sessionIdSchema })
/** What the sealed admin cookie holds: the id of its AdminSession row (the server decides if it still counts). */
export const adminSeal = z.object({ admin: z.literal(true), sid: z.uuid(), name: z.string().min(1).max(60), at: z.number().int() })
export type AdminSeal = z.infer<typeof adminSeal>
