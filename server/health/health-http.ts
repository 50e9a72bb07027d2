/**
 * The health answers as plain data (status, headers, JSON body), so a Next route handler
 * (app/api/health/*) and a plain Node server (the API service, the worker's metrics port)
 * answer the same bytes. Never cached anywhere (`Cache-Control: no-store`): a probe must see
 * this process now, not an edge's copy.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { HEALTH_PATHS } from './health-paths'
import { checkReadiness, type ReadinessOptions } from './readiness'

export interface HealthAnswer {
  /** 200, or 503 when not ready (draining included). */
  status: number
  headers: Record<string, string>
  /** JSON text. */
  body: string
}

const HEADERS = { 'Cache-Control': 'no-store', 'Content-Type': 'application/json; charset=utf-8' } as const

/** Liveness: the process is up and its event loop answers. Always 200 `{"status":"live"}`. */
export function livenessAnswer(): HealthAnswer {
  return { status: 200, headers: { ...HEADERS }, body: JSON.stringify({ status: 'live' }) }
}

/**
 * Readiness: 200 with the report (server/health/readiness.ts) when every check passed, else
 * 503 with the same report, whose `failed` names the checks and `status` says "draining"
 * when the process is stopping. Takes at most the largest check deadline.
 */
export async function readinessAnswer(opts: ReadinessOptions = {}): Promise<HealthAnswer> {
  const report = await checkReadiness(opts)
  return { status: report.status === 'ready' ? 200 : 503, headers: { ...HEADERS }, body: JSON.stringify(report) }
}

/** A HealthAnswer as a web Response (Next route handlers). */
export function toResponse(answer: HealthAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers })
}

/**
 * For plain Node HTTP servers: answers GET/HEAD on the two health paths and returns true;
 * returns false for any other path (the caller goes on). Other methods on a health path: 405.
 */
export async function serveHealth(req: IncomingMessage, res: ServerResponse, opts: ReadinessOptions = {}): Promise<boolean> {
  const path = (req.url ?? '/').split('?', 1)[0]
  if (path !== HEALTH_PATHS.live && path !== HEALTH_PATHS.ready) return false
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Cache-Control': 'no-store' }).end()
    return true
  }
  const answer = path === HEALTH_PATHS.live ? livenessAnswer() : await readinessAnswer(opts)
  res.writeHead(answer.status, answer.headers)
  res.end(req.method === 'HEAD' ? undefined : answer.body)
  return true
}
