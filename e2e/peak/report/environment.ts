/** What the drill ran on, recorded in every report (numbers mean little without it). */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, totalmem, loadavg, release } from 'node:os'
import { join } from 'node:path'
import type pg from 'pg'
import { Redis as IORedis } from 'ioredis'

const PACKAGES = ['next', 'react', '@trpc/server', 'prisma', '@prisma/client', 'pg', 'graphile-worker', '@upstash/redis', '@playwright/test', 'undici', 'hdr-histogram-js'] as const

function packageVersion(name: string): string {
  try {
    const path = join(process.cwd(), 'node_modules', name, 'package.json')
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return 'unknown'
  }
}

export type Environment = Record<string, string | number>

export async function describeEnvironment(pool: pg.Pool, redisPort: number, chromium: string, settings: Record<string, string | number>): Promise<Environment> {
  const { rows } = await pool.query<{ server_version: string; max_connections: string }>(
    "SELECT current_setting('server_version') AS server_version, current_setting('max_connections') AS max_connections",
  )
  const redis = new IORedis({ host: '127.0.0.1', port: redisPort, lazyConnect: true, maxRetriesPerRequest: 1 })
  let redisVersion = 'unknown'
  try {
    await redis.connect()
    redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown'
  } catch {
    // recorded as unknown
  } finally {
    redis.disconnect()
  }
  const commit = git(['rev-parse', '--short', 'HEAD'])
  const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== ''
  const cpu = cpus()
  return {
    commit: `${commit}${dirty ? ' (uncommitted changes)' : ''}`,
    node: process.version,
    os: `Linux ${release()}`,
    cpus: `${cpu.length} × ${cpu[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverageAtStart: loadavg().map((l) => l.toFixed(2)).join(' '),
    postgres: rows[0]!.server_version,
    postgresMaxConnections: Number(rows[0]!.max_connections),
    redis: redisVersion,
    chromium,
    ...Object.fromEntries(PACKAGES.map((p) => [p, packageVersion(p)])),
    ...settings,
  }
}
