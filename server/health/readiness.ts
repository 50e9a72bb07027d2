/**
 * Readiness of one process (web, API service, worker): can it serve a request *now*?
 *  - database: PostgreSQL answers `SELECT 1` through the process's own pool;
 *  - redis: Redis answers PING through the app's Upstash client (the gateway locally, Upstash
 *    in production), the same path every cart, session and rate limit takes;
 *  - build (processes that serve a Next build): the build is present and unchanged
 *    (next-build-check.ts).
 * The checks run in parallel, each bounded by its own named deadline, so one readiness answer
 * takes at most max(READINESS_CHECK_TIMEOUT_MS) plus scheduling. Once the process is draining
 * (draining.ts) nothing is checked: the answer is "draining" at once.
 *
 * Framework-free: the Next route handlers (app/api/health/*) and plain Node servers
 * (health-http.ts) answer from the same report. Failure texts never carry addresses or
 * credentials: an error code ("unreachable (ECONNREFUSED)"), "timed out after N ms", or the
 * build check's own message.
 */
import { withDeadline } from '../platform/deadline'
import { redis } from '../platform/redis'
import { isDraining } from './draining'
import { selectOne } from './health.repo'
import { checkNextBuild } from './next-build-check'

/**
 * Deadline of each check, in ms. Kubernetes probes (deploy/k8s) use a `timeoutSeconds` above
 * the largest of them (deploy/k8s/manifests.test.ts checks it), so a slow dependency is
 * reported as a failed check rather than as a probe timeout.
 */
export const READINESS_CHECK_TIMEOUT_MS = { database: 1_000, redis: 1_000, build: 500 } as const

export type ReadinessCheckName = keyof typeof READINESS_CHECK_TIMEOUT_MS

export interface CheckResult {
  ok: boolean
  /** Wall time of the check in ms (at most its deadline, plus scheduling). */
  ms: number
  /** Why it failed, safe to show to anyone who can reach the endpoint. */
  error?: string
}

export interface ReadinessReport {
  status: 'ready' | 'not-ready' | 'draining'
  /** The checks that failed, in READINESS_CHECK_TIMEOUT_MS order (empty when ready or draining). */
  failed: ReadinessCheckName[]
  /** Every check that ran (none while draining). */
  checks: Partial<Record<ReadinessCheckName, CheckResult>>
}

export interface ReadinessOptions {
  /** The Next build directory this process serves (web); omit for the API service and the worker. */
  nextDistDir?: string
}

/** A failure whose message is ours and safe to show as is. */
class CheckFailure extends Error {}

function describe(error: unknown): string {
  if (error instanceof CheckFailure) return error.message
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return `unreachable (${code})`
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'unreachable (client timeout)'
  }
  return `failed (${error instanceof Error ? error.name : typeof error})`
}

/** Runs `check` with a deadline of `ms` (platform/deadline.ts: an answer that arrived in time wins); never rejects. */
async function timed(check: () => Promise<void>, ms: number): Promise<CheckResult> {
  const started = performance.now()
  try {
    await withDeadline(check(), ms, () => new CheckFailure(`timed out after ${ms} ms`))
    return { ok: true, ms: Math.round(performance.now() - started) }
  } catch (error) {
    return { ok: false, ms: Math.round(performance.now() - started), error: describe(error) }
  }
}

async function pingRedis(): Promise<void> {
  const answer = await redis.ping()
  if (answer !== 'PONG') throw new CheckFailure(`unexpected PING answer`)
}

async function buildUsable(distDir: string): Promise<void> {
  try {
    await checkNextBuild(distDir)
  } catch (error) {
    throw new CheckFailure((error as Error).message)
  }
}

/**
 * The process's readiness now: "draining" once `startDraining()` ran, else every check
 * (database, redis, and build when `nextDistDir` is given) run in parallel under its deadline.
 * Never throws.
 */
export async function checkReadiness(opts: ReadinessOptions = {}): Promise<ReadinessReport> {
  if (isDraining()) return { status: 'draining', failed: [], checks: {} }
  const checks: Array<[ReadinessCheckName, () => Promise<void>]> = [
    ['database', selectOne],
    ['redis', pingRedis],
  ]
  const { nextDistDir } = opts
  if (nextDistDir !== undefined) checks.push(['build', () => buildUsable(nextDistDir)])
  const results = await Promise.all(checks.map(async ([name, check]) => [name, await timed(check, READINESS_CHECK_TIMEOUT_MS[name])] as const))
  const failed = results.filter(([, r]) => !r.ok).map(([name]) => name)
  return { status: failed.length ? 'not-ready' : 'ready', failed, checks: Object.fromEntries(results) }
}
