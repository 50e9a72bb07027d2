/**
 * What a shopper's page may show: the feature flags as booleans (no who/when). Widgets on
 * static pages ask this before they mount, so a flag turned off at /ops removes them — and
 * their requests — from the next page view. In-process cached ≤ 2 s (server/platform/flags.ts).
 */
import { flagStates } from '../platform/flags'
import { createTRPCRouter, browseProcedure } from '../trpc/init'
import { flagStatesSchema } from './flags.schema'

export const flagsRouter = createTRPCRouter({
  enabled: browseProcedure.output(flagStatesSchema).query(() => flagStates()),
})
