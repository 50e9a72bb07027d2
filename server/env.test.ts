import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { childEnv } from './env'

/** Imports server/env.ts in a fresh process with the given overrides and reports how it went. */
function loadEnv(overrides: Record<string, string | undefined>) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '-e', "const { env, upstash } = await import('./server/env.ts'); console.log(JSON.stringify({ db: env.DATABASE_URL, port: env.PORT, upstash }))"],
    { env: childEnv({ SKIP_ENV_VALIDATION: undefined, ...overrides }), encoding: 'utf8' },
  )
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('server/env.ts', () => {
  it('works with no configuration: local Postgres, Redis and the local gateway', () => {
    const r = loadEnv({ DATABASE_URL: undefined, PORT: undefined, UPSTASH_REDIS_REST_URL: undefined, UPSTASH_REDIS_REST_TOKEN: undefined, GATEWAY_PORT: undefined })
    expect(r.code, r.stderr).toBe(0)
    const parsed = JSON.parse(r.stdout) as { db: string; port: number; upstash: { url: string; local: boolean } }
    expect(parsed.db).toBe('postgresql://postgres@127.0.0.1:5432/storefront')
    expect(parsed.port).toBe(3000)
    expect(parsed.upstash).toMatchObject({ url: 'http://127.0.0.1:8079', local: true })
  })

  it('fails fast, naming the variable, when a value is invalid', () => {
    const r = loadEnv({ DATABASE_URL: 'mysql://nope' })
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('DATABASE_URL')
  })

  it('rejects a non-numeric port by name', () => {
    const r = loadEnv({ PORT: 'eighty' })
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('PORT')
  })

  it('requires a real token when a remote Upstash URL is configured', () => {
    const r = loadEnv({ UPSTASH_REDIS_REST_URL: 'https://example.upstash.io', UPSTASH_REDIS_REST_TOKEN: undefined })
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('UPSTASH_REDIS_REST_TOKEN')
  })
})
