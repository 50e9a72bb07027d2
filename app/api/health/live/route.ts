import { livenessAnswer, toResponse } from '@/server/health/health-http'

export const dynamic = 'force-dynamic'

/** Liveness probe: 200 while this process serves (server/health/health-http.ts). No rate limit: probes are not shoppers. */
export function GET(): Response {
  return toResponse(livenessAnswer())
}
