/**
 * The ops dashboard's tRPC surface. Every procedure is admin-only (401 without an admin
 * session; mutations also need our own Origin, else 403); each is its schemas plus one
 * service call. Who made a change is the admin session's name.
 */
import { signOutEverywhere } from '../auth/admin-session.service'
import { resetPaymentSettings, updatePaymentSettings } from '../payments/payment-settings.service'
import { setFault } from '../platform/faults'
import { setFlag } from '../platform/flags'
import { setRateLimit } from '../platform/ratelimit'
import { adminProcedure, createTRPCRouter } from '../trpc/init'
import { waitingRoomFigures } from '../waiting-room/waiting-room-figures'
import { setWaitingRoomSettings } from '../waiting-room/waiting-room.settings'
import { findProduct } from './find-product'
import { levers } from './levers.service'
import {
  findProductInput,
  findProductOutput,
  leversSchema,
  overviewSchema,
  paymentSettingsPatch,
  paymentSettingsSchema,
  prewarmStatusSchema,
  setFaultInput,
  setFlagInput,
  setRateLimitInput,
  signOutEverywhereOutput,
  startPrewarmInput,
  waitingRoomFiguresSchema,
  waitingRoomSettingsPatch,
} from './ops.schema'
import { overview } from './overview.service'
import { prewarmStatus, startPrewarm } from './prewarm-job'

const flagOutput = leversSchema.shape.flags.element
const faultsOutput = leversSchema.shape.faults
const rateLimitOutput = leversSchema.shape.rateLimits.element

export const opsRouter = createTRPCRouter({
  overview: adminProcedure.output(overviewSchema).query(() => overview()),
  levers: adminProcedure.output(leversSchema).query(() => levers()),
  setFlag: adminProcedure
    .input(setFlagInput)
    .output(flagOutput)
    .mutation(({ ctx, input }) => setFlag(input.name, input.enabled, ctx.admin.name)),
  setFault: adminProcedure
    .input(setFaultInput)
    .output(faultsOutput)
    .mutation(({ ctx, input }) => setFault(input, ctx.admin.name)),
  setRateLimit: adminProcedure
    .input(setRateLimitInput)
    .output(rateLimitOutput)
    .mutation(({ ctx, input }) => setRateLimit(input.policy, input.limit, ctx.admin.name)),
  setPaymentSettings: adminProcedure
    .input(paymentSettingsPatch)
    .output(paymentSettingsSchema)
    .mutation(({ input }) => updatePaymentSettings(input)),
  resetPaymentSettings: adminProcedure.output(paymentSettingsSchema).mutation(() => resetPaymentSettings()),
  prewarmStatus: adminProcedure.output(prewarmStatusSchema).query(() => prewarmStatus()),
  startPrewarm: adminProcedure
    .input(startPrewarmInput)
    .output(prewarmStatusSchema)
    .mutation(({ ctx, input }) => startPrewarm(input.topProducts, ctx.admin.name)),
  /** Ends every admin session, the caller's own included (a leaked cookie, a departed admin). */
  signOutEverywhere: adminProcedure.output(signOutEverywhereOutput).mutation(({ ctx }) => signOutEverywhere(ctx.admin.name)),
  /** The waiting room's settings and live figures (fleet wide). */
  waitingRoom: adminProcedure.output(waitingRoomFiguresSchema).query(() => waitingRoomFigures()),
  /** The waiting room lever: mode (off · auto · on) and/or admission rate. */
  setWaitingRoom: adminProcedure
    .input(waitingRoomSettingsPatch)
    .output(waitingRoomFiguresSchema)
    .mutation(({ ctx, input }) => setWaitingRoomSettings(input, ctx.admin.name)),
  findProduct: adminProcedure
    .input(findProductInput)
    .output(findProductOutput)
    .query(({ input }) => findProduct(input.q)),
})
