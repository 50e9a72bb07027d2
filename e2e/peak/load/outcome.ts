/**
 * How one answer counts. Intended shedding (429, 503) and the hot SKU's sold-out refusal are
 * answers the store means to give under load; everything else that is not a 2xx is unexpected.
 */
export const OUTCOMES = ['ok', 'soldOut', 'shed', 'clientError', 'serverError', 'network', 'timeout'] as const
export type Outcome = (typeof OUTCOMES)[number]

/** Outcomes that count against the store (not shedding, not a business answer). */
export const UNEXPECTED: ReadonlySet<Outcome> = new Set(['serverError', 'network', 'timeout'])

export function classify(status: number, appCode: string | null): Outcome {
  if (status >= 200 && status < 300) return 'ok'
  if (status === 429 || status === 503) return 'shed'
  if (status === 409 && appCode === 'SOLD_OUT') return 'soldOut'
  if (status >= 500) return 'serverError'
  return 'clientError'
}

/** The tRPC error's domain code and a successful checkout's order id, from a JSON body. */
export function parseTrpcAnswer(text: string): { appCode: string | null; orderId: string | null } {
  try {
    const body = JSON.parse(text) as { result?: { data?: { json?: { orderId?: unknown } } }; error?: { json?: { data?: { appCode?: unknown } } } }
    const orderId = body.result?.data?.json?.orderId
    const appCode = body.error?.json?.data?.appCode
    return { orderId: typeof orderId === 'string' ? orderId : null, appCode: typeof appCode === 'string' ? appCode : null }
  } catch {
    return { appCode: null, orderId: null }
  }
}
