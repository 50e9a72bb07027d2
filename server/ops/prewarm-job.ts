/**
 * The "pre-warm caches" button: runs the catalog's `prewarm()` in the background of the
 * instance that took the click, against every live instance's URL (each one's page cache is
 * its own), and keeps its progress in Redis so every admin sees the same bar. One run at a
 * time, fleet wide; a run whose progress stopped updating for STALE_AFTER_MS (its instance
 * died) no longer blocks a new one.
 */
import { prewarm, type PrewarmProgress } from '../catalog/prewarm'
import { AppError } from '../platform/errors'
import { logger } from '../platform/logger'
import { redis } from '../platform/redis'
import { opsKeys } from './metrics-snapshot'
import { prewarmStatusSchema, type PrewarmStatus } from './ops.schema'
import { liveInstanceUrls } from './overview.service'

/** A running job that has not reported for this long is treated as dead. */
export const STALE_AFTER_MS = 60_000
/** Progress is written at most this often. */
export const PROGRESS_EVERY_MS = 250
const STATUS_TTL_SECONDS = 24 * 3_600
const ERROR_MAX_LENGTH = 300

const log = logger.child({ module: 'prewarm-job' })

const IDLE: PrewarmStatus = {
  state: 'idle',
  by: null,
  startedAt: null,
  updatedAt: null,
  topProducts: null,
  targets: [],
  phase: null,
  done: 0,
  total: 0,
  result: null,
  error: null,
}

let local: PrewarmStatus = IDLE

async function save(status: PrewarmStatus): Promise<void> {
  local = status
  await redis.set(opsKeys.prewarm(), JSON.stringify(status), { ex: STATUS_TTL_SECONDS }).catch((error: unknown) => {
    log.warn({ err: error }, 'could not store pre-warm progress')
  })
}

/** The last or current run, fleet wide (this instance's own view when Redis is down). */
export async function prewarmStatus(): Promise<PrewarmStatus> {
  try {
    const parsed = prewarmStatusSchema.safeParse(await redis.get<unknown>(opsKeys.prewarm()))
    return parsed.success ? parsed.data : local
  } catch {
    return local
  }
}

/** Starts a run for `topProducts` products; CONFLICT while another run is going. Returns at once. */
export async function startPrewarm(topProducts: number, by: string, now: () => number = Date.now): Promise<PrewarmStatus> {
  const current = await prewarmStatus()
  if (current.state === 'running' && now() - (current.updatedAt ?? 0) < STALE_AFTER_MS) {
    throw new AppError('CONFLICT', `A pre-warm started by ${current.by ?? 'someone'} is still running (${current.done}/${current.total})`)
  }
  const targets = await liveInstanceUrls().catch(() => [])
  const started = now()
  let status: PrewarmStatus = { ...IDLE, state: 'running', by, startedAt: started, updatedAt: started, topProducts, targets }
  await save(status)
  log.info({ by, topProducts, targets }, 'pre-warm started')

  let lastWrite = 0
  const onProgress = (p: PrewarmProgress) => {
    status = { ...status, phase: p.phase, done: p.done, total: p.total, updatedAt: now() }
    local = status
    if (now() - lastWrite >= PROGRESS_EVERY_MS || p.done === p.total) {
      lastWrite = now()
      void save(status)
    }
  }
  void prewarm({ topProducts, storeUrls: targets }, onProgress)
    .then((result) => {
      log.info({ result }, 'pre-warm finished')
      return save({ ...status, state: 'done', updatedAt: now(), result })
    })
    .catch((error: unknown) => {
      log.error({ err: error }, 'pre-warm failed')
      return save({ ...status, state: 'failed', updatedAt: now(), error: (error instanceof Error ? error.message : String(error)).slice(0, ERROR_MAX_LENGTH) })
    })
  return status
}
