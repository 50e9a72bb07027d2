/**
 * How one answer counts. Intended shedding (429, 503) and the hot SKU's sold-out refusal are
 * answers the store means to give under load; so is a checkout the waiting room queued (a 200
 * with `status: 'QUEUED'`, issue 17): an expected outcome, not an accepted order. Everything
 * else that is not a 2xx is unexpected.
 */
import { queuedAnswer, type QueuedAnswer } from '../../../server/waiting-room/waiting-room.schema'

export const OUTCOMES = ['ok', 'queued', 'soldOut', 'shed', 'clientError', 'serverError', 'network', 'timeout'] as const
export type Outcome = (typeof OUTCOMES)[number]

/** Outcomes that count against the store (not shedding, not a business answer). */
export const UNEXPECTED: ReadonlySet<Outcome> = new Set(['serverError', 'network', 'timeout'])

/** `queued`: the answer was a 2xx carrying the waiting room's queued answer. */
export function classify(status: number, appCode: string | null, queued = false): Outcome {
  if (status >= 200 && status < 300) return queued ? 'queued' : 'ok'
  if (status === 429 || status === 503) return 'shed'
  if (status === 409 && appCode === 'SOLD_OUT') return 'soldOut'
  if (status >= 500) return 'serverError'
  return 'clientError'
}

export interface TrpcAnswerFacts {
  appCode: string | null
  orderId: string | null
  /** The answer says `status: 'QUEUED'` (the waiting room's answer to checkout.placeOrder). */
  isQueued: boolean
  /** That queued answer, parsed by the contract's schema (null when it does not parse: a contract break the follower reports). */
  queued: QueuedAnswer | null
  /** The result's data (superjson `json` part), for callers that parse it themselves (pollTicket). */
  data: unknown
}

/** The tRPC error's domain code, a successful checkout's order id, or the queued answer, from a JSON body. */
export function parseTrpcAnswer(text: string): TrpcAnswerFacts {
  try {
    const body = JSON.parse(text) as { result?: { data?: { json?: unknown } }; error?: { json?: { data?: { appCode?: unknown } } } }
    const data = body.result?.data?.json
    const orderId = (data as { orderId?: unknown } | undefined)?.orderId
    const appCode = body.error?.json?.data?.appCode
    const isQueued = (data as { status?: unknown } | undefined)?.status === 'QUEUED'
    const queued = isQueued ? queuedAnswer.safeParse(data) : null
    return {
      orderId: typeof orderId === 'string' ? orderId : null,
      appCode: typeof appCode === 'string' ? appCode : null,
      isQueued,
      queued: queued?.success ? queued.data : null,
      data,
    }
  } catch {
    return { appCode: null, orderId: null, isQueued: false, queued: null, data: undefined }
  }
}
