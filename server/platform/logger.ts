/**
 * Structured JSON logs (pino), one logger per process; modules take a child with
 * `logger.child({ module: 'catalog' })`.
 */
import { pino } from 'pino'
import { env } from '../env'

export const logger = pino({
  level: env.LOG_LEVEL,
  base: { pid: process.pid },
  redact: ['req.headers.cookie', 'req.headers.authorization', 'token', 'password'],
})

export type Logger = typeof logger
