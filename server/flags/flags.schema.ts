/** zod shape of what shoppers' pages learn about the feature flags (names → on/off). */
import { z } from 'zod'

/** Flag names are validated where they are defined (server/platform/flags.ts). */
export const flagStatesSchema = z.record(z.string().max(60), z.boolean())
