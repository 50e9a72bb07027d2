import { TRPCClientError } from '@trpc/client'

interface ErrorData {
  code?: string
  appCode?: string | null
  retryAfterSeconds?: number | null
  details?: Record<string, unknown> | null
  zodError?: { fieldErrors?: Record<string, string[] | undefined>; formErrors?: string[] } | null
}

export function errorData(error: unknown): ErrorData {
  if (error instanceof TRPCClientError) return (error.data ?? {}) as ErrorData
  return {}
}

/** A message a shopper can act on: rate limits say when to retry, validation says what is wrong. */
export function friendlyError(error: unknown): string {
  if (!(error instanceof TRPCClientError)) return 'Something went wrong. Please try again.'
  const data = errorData(error)
  if (data.code === 'TOO_MANY_REQUESTS' || data.code === 'SERVICE_UNAVAILABLE') {
    const wait = Math.max(1, Math.ceil(data.retryAfterSeconds ?? 1))
    return `${error.message.replace(/\.$/, '')}. Please try again in ${wait} s.`
  }
  const fields = data.zodError?.fieldErrors
  if (fields) {
    const first = Object.values(fields).flat().find(Boolean)
    if (first) return first
  }
  const form = data.zodError?.formErrors?.[0]
  if (form) return form
  return error.message || 'Something went wrong. Please try again.'
}
