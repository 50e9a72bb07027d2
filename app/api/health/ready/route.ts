import { env } from '@/server/env'
import { readinessAnswer, toResponse } from '@/server/health/health-http'

export const dynamic = 'force-dynamic'

/**
 * Readiness probe: 200 when PostgreSQL, Redis and this process's Next build answer, else 503
 * naming the failed checks, or "draining" once the process is stopping
 * (server/health/readiness.ts). Never cached, never rate-limited.
 */
export async function GET(): Promise<Response> {
  return toResponse(await readinessAnswer({ nextDistDir: env.NEXT_DIST_DIR }))
}
