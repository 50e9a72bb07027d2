/**
 * AppError: the one error type services throw. It names *what went wrong* in domain
 * terms; server/trpc/init.ts maps each code to a tRPC code and HTTP status in one place.
 * Never imports tRPC (platform stays framework-free).
 */
export const APP_ERROR_CODES = {
  BAD_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  SOLD_OUT: 409,
  IDEMPOTENCY_MISMATCH: 422,
  /** Waiting room (server/waiting-room): a ticket that is not ours (forged, garbled, unknown version). */
  TICKET_INVALID: 400,
  /** Waiting room: a genuine ticket issued to another shopper session. */
  TICKET_NOT_YOURS: 403,
  /** Waiting room: the place expired (not polled in time, or admitted and not used in time), or was left. */
  TICKET_EXPIRED: 404,
  /** Waiting room: the ticket already admitted a checkout with another idempotency key. */
  TICKET_USED: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const

export type AppErrorCode = keyof typeof APP_ERROR_CODES

export interface AppErrorOptions {
  /** Seconds the caller should wait before retrying (429/503 → `Retry-After`). */
  retryAfterSeconds?: number
  /** Safe, user-facing structured details (e.g. sold-out item names). */
  details?: Record<string, unknown>
  cause?: unknown
}

export class AppError extends Error {
  readonly code: AppErrorCode
  readonly retryAfterSeconds: number | undefined
  readonly details: Record<string, unknown> | undefined

  constructor(code: AppErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.retryAfterSeconds = options.retryAfterSeconds
    this.details = options.details
  }

  get httpStatus(): number {
    return APP_ERROR_CODES[this.code]
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError
}
