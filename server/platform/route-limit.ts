/**
 * Per-client rate limits for plain route handlers (tRPC procedures use `rateLimited` in
 * server/trpc/init.ts): the same POLICIES, the same client identity, the same answers
 * (429 or 503 with Retry-After and the policy's message).
 */
import { clientRateKey } from './client-identity'
import { clientOfRequest } from './client-trust'
import { AppError } from './errors'
import { POLICIES, type PolicyName } from './rate-limit-policies'
import { enforceRateLimit } from './ratelimit'

/** Counts the request against `policy`; returns the refusal to send, or null to go on. Per-client policies only. */
export async function refusedByLimit(policy: PolicyName, headers: Headers): Promise<Response | null> {
  if (POLICIES[policy].key !== 'ip') throw new Error(`${policy} is not a per-client policy`)
  try {
    await enforceRateLimit(policy, clientRateKey(clientOfRequest(headers).address))
    return null
  } catch (error) {
    if (!(error instanceof AppError) || (error.code !== 'RATE_LIMITED' && error.code !== 'UNAVAILABLE')) throw error
    return Response.json(
      { error: error.message },
      { status: error.httpStatus, headers: { 'Retry-After': String(Math.max(1, Math.ceil(error.retryAfterSeconds ?? 1))), 'Cache-Control': 'private, no-store' } },
    )
  }
}
