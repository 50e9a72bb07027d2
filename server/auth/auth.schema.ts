import { z } from 'zod'

export const MAX_PASSWORD_LENGTH = 200

export const loginInput = z.object({
  password: z.string().min(1, 'Enter the admin password').max(MAX_PASSWORD_LENGTH),
})

export const adminIdentity = z.object({ name: z.string(), since: z.date() })
