/**
 * `npm run api [-- --port N]`: one API service process (server/api/api-main.ts) beside a
 * running store (`npm start`), on the store's database, Redis gateway and local secrets
 * (DATA_DIR: the session secret and the admin password's hash, so shopper sessions and admin
 * logins work on both). Needs real services: the embedded database and Redis emulation of
 * `npm start` live inside its own process and cannot be shared. Ctrl-C stops it gracefully.
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { env, upstash } from '../env'
import { redactUrl } from '../platform/redact-url'
import { localSecrets } from './local-secrets'
import { postgresAnswers } from './service-probe'
import { runApiProcess, stopApiProcess } from './api-process'

const GATEWAY_PROBE_TIMEOUT_MS = 2_000

async function gatewayAnswers(): Promise<boolean> {
  try {
    const res = await fetch(upstash.url, { method: 'POST', body: '["ping"]', headers: { authorization: `Bearer ${upstash.token}` }, signal: AbortSignal.timeout(GATEWAY_PROBE_TIMEOUT_MS) })
    await res.arrayBuffer()
    return true
  } catch {
    return false
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' } } })
  const port = values.port === undefined ? env.API_PORT : z.coerce.number().int().min(1).max(65535).parse(values.port)
  if (!(await postgresAnswers(env.DATABASE_URL))) {
    throw new Error(`no PostgreSQL answers at ${redactUrl(env.DATABASE_URL)}: the API service needs the store's real database (set DATABASE_URL, or start PostgreSQL and then npm start)`)
  }
  if (!(await gatewayAnswers())) {
    throw new Error(
      upstash.local
        ? `no Redis gateway answers on ${upstash.url}: start the store first (npm start runs the gateway), or set UPSTASH_REDIS_REST_URL`
        : `Upstash at ${upstash.url} does not answer`,
    )
  }
  const secrets = await localSecrets()
  console.log(`  database: ${redactUrl(env.DATABASE_URL)}`)
  console.log(`  redis:    ${upstash.local ? 'local Upstash gateway' : 'Upstash'} ${upstash.url}`)
  const api = runApiProcess(
    { host: env.BIND_HOST, port },
    { SESSION_SECRET: env.SESSION_SECRET ?? secrets.sessionSecret, ADMIN_PASSWORD_HASH: env.ADMIN_PASSWORD_HASH ?? secrets.adminPasswordHash },
    'inherit',
  )
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    void stopApiProcess(api.child).then((code) => process.exit(code ?? 1))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  api.child.on('exit', (code) => {
    if (!stopping) process.exit(code ?? 1)
  })
  const url = await api.ready
  console.log(`  ➜ API service ready at ${url}/api/trpc (route /api/trpc/* here, pages to the store)`)
}

main().catch((error: unknown) => {
  console.error(`npm run api: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
