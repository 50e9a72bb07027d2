/**
 * Secrets for a local `npm start` when the environment does not provide them: generated
 * once into the gitignored DATA_DIR folder (.data/) (mode 600) and reused, so sessions survive
 * restarts and the admin password stays the same. Production sets the variables itself.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hashPassword, verifyPassword } from '../auth/password-hash'
import { env } from '../env'

/** `DATA_DIR` (default .data, gitignored): also home of the embedded database. */
export const DATA_DIR = env.DATA_DIR

function readOrCreate(file: string, create: () => string): { value: string; created: boolean } {
  const path = join(DATA_DIR, file)
  if (existsSync(path)) return { value: readFileSync(path, 'utf8').trim(), created: false }
  mkdirSync(DATA_DIR, { recursive: true })
  const value = create()
  writeFileSync(path, `${value}\n`, { mode: 0o600 })
  return { value, created: true }
}

export async function localSecrets(): Promise<{
  sessionSecret: string
  adminPassword: { value: string; created: boolean; path: string }
  adminPasswordHash: string
}> {
  const session = readOrCreate('session-secret', () => randomBytes(32).toString('base64url'))
  const admin = readOrCreate('admin-password', () => randomBytes(12).toString('base64url'))
  return {
    sessionSecret: session.value,
    adminPassword: { ...admin, path: join(DATA_DIR, 'admin-password') },
    adminPasswordHash: await adminPasswordHash(admin.value),
  }
}

/**
 * The hash of the local admin password, kept beside it and reused while it still matches:
 * admin sessions are bound to the hash in force (server/auth/admin-session.service.ts), so the
 * store and the API service started separately (`npm start`, `npm run api`) must share one.
 */
async function adminPasswordHash(password: string): Promise<string> {
  const path = join(DATA_DIR, 'admin-password-hash')
  if (existsSync(path)) {
    const stored = readFileSync(path, 'utf8').trim()
    if (await verifyPassword(password, stored).catch(() => false)) return stored
  }
  const hash = await hashPassword(password)
  writeFileSync(path, `${hash}\n`, { mode: 0o600 })
  return hash
}

/** Random secrets for one test run; the plain password and token go to the tests. */
export async function testSecrets() {
  const adminPassword = randomBytes(12).toString('base64url')
  const metricsToken = randomBytes(18).toString('base64url')
  return {
    adminPassword,
    metricsToken,
    env: {
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      ADMIN_PASSWORD_HASH: await hashPassword(adminPassword),
      METRICS_TOKEN: metricsToken,
    },
  }
}
