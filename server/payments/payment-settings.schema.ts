/**
 * How the simulated payment provider behaves: its latency distribution and the shares of
 * transient errors and permanent declines. Defaults come from the environment
 * (PAYMENT_LATENCY_P50_MS, …); runtime overrides are stored in Redis by
 * payment-settings.service.ts, so a drill can slow payments down without a deploy.
 */
import { z } from 'zod'
import { env } from '../env'

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

/** What the ops dashboard sends: any subset of the fields; the merged result is validated as a whole. */
export const paymentSettingsPatch = z.object(fields).partial().strict()
export type PaymentSettingsPatch = z.infer<typeof paymentSettingsPatch>

export function defaultPaymentSettings(): PaymentSettings {
  return {
    latencyP50Ms: env.PAYMENT_LATENCY_P50_MS,
    latencyP99Ms: Math.max(env.PAYMENT_LATENCY_P99_MS, env.PAYMENT_LATENCY_P50_MS),
    transientErrorRate: env.PAYMENT_TRANSIENT_ERROR_RATE,
    declineRate: env.PAYMENT_DECLINE_RATE,
  }
}
