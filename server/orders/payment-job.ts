/**
 * The graphile-worker task `payment.charge`: validates the payload checkout enqueued
 * ({ orderId } with job_key = orderId; retries add `attempt`) and runs one charge.
 * A payload that can never be valid is logged and dropped instead of retried.
 */
import type { Task } from 'graphile-worker'
import { z } from 'zod'
import { logger } from '../platform/logger'
import { chargeOrder, defaultChargeDeps, type ChargeOrderDeps, type ChargeOutcome } from './charge-order'

export const paymentJobPayload = z.object({
  orderId: z.uuid(),
  attempt: z.number().int().min(1).default(1),
})

const log = logger.child({ module: 'payment-job' })

export function createPaymentTask(deps: () => ChargeOrderDeps = defaultChargeDeps): Task {
  return async (payload, helpers) => {
    const parsed = paymentJobPayload.safeParse(payload)
    if (!parsed.success) {
      log.error({ jobId: helpers.job.id, payload, issues: parsed.error.issues }, 'invalid payment job payload: dropped')
      return
    }
    const outcome: ChargeOutcome = await chargeOrder(parsed.data, deps())
    log.debug({ orderId: parsed.data.orderId, attempt: parsed.data.attempt, outcome }, 'payment job done')
  }
}
