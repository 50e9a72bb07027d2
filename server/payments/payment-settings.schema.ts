/**
 * How the simulated payment provider behaves: its latency distribution and the shares of
 * transient errors and permanent declines (zod only: forms import this). Defaults come from
 * the environment (PAYMENT_LATENCY_P50_MS, …, see payment-settings.service.ts); runtime overrides are stored in Redis by
 * payment-settings.service.ts, so a drill can slow payments down without a deploy.
 */
import { z } from 'zod'

export const MAX_LATENCY_MS = 60_000

const fields = {
  /** Median charge latency. */
  latencyP50Ms: z.number().int().min(0).max(MAX_LATENCY_MS),
  /** 99th percentile charge latency (log-normal between the two). */
  latencyP99Ms: z.number().int().min(0).max(MAX_LATENCY_MS),
  /** Share of requests that fail transiently: half 503 (not processed), half 504 (processed, answer lost). */
  transientErrorRate: z.number().min(0).max(1),
  /** Share of processed charges the provider declines for good. */
  declineRate: z.number().min(0).max(1),
}

export const paymentSettingsSchema = z
  .object(fields)
  .strict()
  .refine((s) => s.latencyP99Ms >= s.latencyP50Ms, { message: 'latencyP99Ms must be at least latencyP50Ms', path: ['latencyP99Ms'] })
export type PaymentSettings = z.infer<typeof paymentSettingsSchema>

/** What the ops dashboard sends (some or all of the fields); the merged result is validated as a whole. */
export const paymentSettingsPatch = z.object(fields).partial().strict()
export type PaymentSettingsPatch = z.infer<typeof paymentSettingsPatch>
