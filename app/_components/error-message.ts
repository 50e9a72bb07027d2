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

/**
 * What a shopper reads when the waiting room refuses a ticket (appCode TICKET_*, see
 * server/waiting-room/waiting-room.schema.ts): what happened to the place in line, and what to do.
 */
export const TICKET_MESSAGES: Readonly<Record<string, string>> = {
  TICKET_INVALID: "We couldn't read your place in line. Place your order again to rejoin the line.",
  TICKET_NOT_YOURS:
    'Your place in line was kept for another browser session (cookies were cleared or expired). Place your order again to join the line.',
  TICKET_EXPIRED:
    'Your place in line expired: it was not checked for a while (the page was closed or offline). Place your order again to rejoin the line.',
  TICKET_USED: 'That place in line has already been used to place an order. To buy again, place a new order.',
}

/** Whether `error` is the waiting room refusing a ticket (the place in line is gone). */
export function isTicketError(error: unknown): boolean {
  const code = errorData(error).appCode
  return code !== undefined && code !== null && code in TICKET_MESSAGES
}

/** A message a shopper can act on: rate limits say when to retry, validation says what is wrong. */
export function friendlyError(error: unknown): string {
  if (!(error instanceof TRPCClientError)) return 'Something went wrong. Please try again.'
  const data = errorData(error)
  const ticketMessage = data.appCode ? TICKET_MESSAGES[data.appCode] : undefined
  if (ticketMessage) return ticketMessage
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
