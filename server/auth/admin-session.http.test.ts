/**
 * Admin sessions end when they should, for every copy of the cookie, over real HTTP: a copy
 * of `sf_admin` taken before logout is replayed from another client and opens nothing (not
 * /ops, not `ops.levers`). "Sign out everywhere" and a new ADMIN_PASSWORD_HASH end them all.
 *
 * A database and Redis prefix of their own: "sign out everywhere" ends every admin session in
 * its database, and must not end those of the test files running beside this one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { env } from '../env'
import { createTestDatabase, deleteKeysWithPrefix, uniqueKeyPrefix, type TestDatabase } from '../../testing/test-services'
import { TestShopper } from '../../testing/test-shopper'
import { currentStoreEnv, startStore, type RunningStore } from '../../testing/test-store'
import { ADMIN_COOKIE } from '../session/session.schema'
import { hashPassword } from './password-hash'

let database: TestDatabase
let store: RunningStore
const keyPrefix = uniqueKeyPrefix('test-admin-sessions')

beforeAll(async () => {
  database = await createTestDatabase(env.DATABASE_URL, 'sf_test_admin')
  store = await startStore('auto', { ...currentStoreEnv(), databaseUrl: database.url, keyPrefix })
})
afterAll(async () => {
  await store.stop()
  await deleteKeysWithPrefix(env.REDIS_URL, keyPrefix)
  await database.drop()
})

async function login(base: string, password = env.TEST_ADMIN_PASSWORD!): Promise<TestShopper> {
  const admin = new TestShopper(base, { origin: base })
  const res = await admin.mutate('auth.login', { password })
  expect(res.status, JSON.stringify(res.error)).toBe(200)
  return admin
}

/** Another client (its own address) holding a copy of `from`'s admin cookie. */
function replay(from: TestShopper, base = from.baseUrl): TestShopper {
  const copy = new TestShopper(base, { origin: base })
  copy.setCookie(ADMIN_COOKIE, from.cookie(ADMIN_COOKIE)!)
  return copy
}

/** What a cookie opens: the levers query's status and where GET /ops leads. */
async function opens(client: TestShopper): Promise<{ levers: number; ops: string }> {
  const levers = (await client.query('ops.levers')).status
  const page = await fetch(`${client.baseUrl}/ops`, { headers: client.headers(), redirect: 'manual' })
  await page.arrayBuffer()
  return { levers, ops: page.status === 200 ? 'dashboard' : `${page.status} → ${new URL(page.headers.get('location') ?? '/', client.baseUrl).pathname}` }
}

const OPEN = { levers: 200, ops: 'dashboard' }
const CLOSED = { levers: 401, ops: '307 → /ops/login' }

describe('admin sessions that can be ended', () => {
  it('logout ends every copy of the session: a cookie copied before logout opens nothing afterwards', async () => {
    const admin = await login(store.url)
    const stolen = replay(admin)
    const kept = admin.cookie(ADMIN_COOKIE)!
    expect(await opens(stolen)).toEqual(OPEN)

    expect((await admin.mutate('auth.logout')).status).toBe(200)
    expect(admin.cookie(ADMIN_COOKIE)).toBeUndefined()
    expect(await opens(stolen)).toEqual(CLOSED)
    // The admin's own pre-logout cookie, sent again, is no better.
    const again = new TestShopper(store.url, { origin: store.url })
    again.setCookie(ADMIN_COOKIE, kept)
    expect(await opens(again)).toEqual(CLOSED)
    expect((await again.mutate('ops.setFlag', { name: 'reviews', enabled: true })).status).toBe(401)
  })

  it('"sign out everywhere" ends every admin session, the caller\'s too', async () => {
    const [a, b] = [await login(store.url), await login(store.url)]
    const copyOfB = replay(b)
    const levers = await a.query<{ adminSessions: { open: number } }>('ops.levers')
    expect(levers.data!.adminSessions.open).toBeGreaterThanOrEqual(2)

    const ended = await a.mutate<{ ended: number }>('ops.signOutEverywhere')
    expect(ended.status).toBe(200)
    expect(ended.data!.ended).toBeGreaterThanOrEqual(2)
    for (const client of [a, b, copyOfB]) expect(await opens(client)).toEqual(CLOSED)
    // A new login works at once.
    expect(await opens(await login(store.url))).toEqual(OPEN)
  })

  it('a new ADMIN_PASSWORD_HASH ends every session opened under the old one', async () => {
    const before = await login(store.url)
    expect(await opens(before)).toEqual(OPEN)
    const newPassword = `new-${Date.now().toString(36)}-password`
    const restarted = await startStore('auto', {
      ...currentStoreEnv({ ADMIN_PASSWORD_HASH: await hashPassword(newPassword) }),
      databaseUrl: database.url,
      keyPrefix,
    })
    try {
      expect(await opens(replay(before, restarted.url))).toEqual(CLOSED)
      expect((await new TestShopper(restarted.url).mutate('auth.login', { password: env.TEST_ADMIN_PASSWORD })).status).toBe(401)
      expect(await opens(await login(restarted.url, newPassword))).toEqual(OPEN)
    } finally {
      await restarted.stop()
    }
  })
})
