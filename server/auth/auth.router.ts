/** Admin login/logout. Login is rate-limited per client address (fail closed) and sets a SameSite=Strict cookie. */
import { z } from 'zod'
import { AppError } from '../platform/errors'
import { adminProcedure, browseProcedure, createTRPCRouter, rateLimited } from '../trpc/init'
import { loginAdmin, logoutAdmin } from './admin-session.service'
import { adminIdentity, loginInput } from './auth.schema'

export const authRouter = createTRPCRouter({
  login: rateLimited('adminLogin')
    .input(loginInput)
    .output(adminIdentity)
    .mutation(async ({ ctx, input }) => {
      if (!ctx.cookies) throw new AppError('BAD_INPUT', 'Login needs an HTTP request')
      const seal = await loginAdmin(ctx.cookies, input.password)
      return { name: seal.name, since: new Date(seal.at) }
    }),
  /** Ends this admin session on the server (every copy of the cookie) and clears the cookie. */
  logout: adminProcedure.output(z.object({ ok: z.literal(true) })).mutation(async ({ ctx }) => {
    if (ctx.cookies) await logoutAdmin(ctx.cookies, ctx.admin)
    return { ok: true as const }
  }),
  me: browseProcedure.output(adminIdentity.nullable()).query(async ({ ctx }) => {
    const admin = await ctx.adminSession()
    return admin ? { name: admin.name, since: new Date(admin.at) } : null
  }),
})
