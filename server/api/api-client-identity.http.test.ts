/**
 * Rate limits on the API service count the real client, as on the store: with no proxy
 * trusted, a client that rotates X-Forwarded-For is still one client (its socket address);
 * behind the trusted edge, the address the edge names counts, and only when the connection
 * comes from the edge. Login attempts (`adminLogin`, per client address, fixed window) are the
 * limit used: the first one past the limit is the 429.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestShopper } from '../../testing/test-shopper'
import { currentStoreEnv, simulatedClientAddress } from '../../testing/test-store'
import { startApiService, type RunningApi } from '../../testing/api-service'
import { POLICIES } from '../platform/rate-limit-policies'
import { insideOneLimitWindow } from '../../testing/limit-window'

const ATTEMPTS = POLICIES.adminLogin.limit + 1

let direct: RunningApi
let behindEdge: RunningApi

beforeAll(async () => {
  ;[direct, behindEdge] = await Promise.all([
    // As `npm run api` runs by default: nobody in front, every forwarding header ignored.
    startApiService('auto', currentStoreEnv({ TRUSTED_PROXY_HOPS: '0', TRUSTED_PROXY_ADDRESSES: undefined })),
    // The run's trust model: 127.0.0.1 is our edge (BEHIND_LOCAL_EDGE).
    startApiService('auto', currentStoreEnv()),
  ])
})

afterAll(async () => {
  await Promise.all([direct?.stop(), behindEdge?.stop()])
})

/** `ATTEMPTS` wrong logins, each claiming a new X-Forwarded-For; returns each answer's status. */
async function spoofingLogins(baseUrl: string, localAddress: string | undefined): Promise<number[]> {
  const statuses: number[] = []
  await insideOneLimitWindow('adminLogin', 20_000)
  for (let i = 0; i < ATTEMPTS; i++) {
    const s = new TestShopper(baseUrl, {}, { clientAddress: simulatedClientAddress(), ...(localAddress ? { localAddress } : {}) })
    const answer = await s.mutate('auth.login', { password: 'wrong-password' })
    statuses.push(answer.status)
    if (answer.status === 429) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0)
    await s.close()
  }
  return statuses
}

describe('API service: rate limits count the real client', () => {
  it('no trusted proxy: a rotating X-Forwarded-For changes nothing, the socket address is limited', async () => {
    const statuses = await spoofingLogins(direct.url, '127.0.0.61')
    expect(statuses).toEqual([...Array<number>(POLICIES.adminLogin.limit).fill(401), 429])
  })

  it('behind the edge: each address the edge names is a client of its own', async () => {
    const statuses = await spoofingLogins(behindEdge.url, undefined)
    expect(statuses).toEqual(Array<number>(ATTEMPTS).fill(401))
  })

  it('behind the edge: a client that is not the edge cannot name itself', async () => {
    const statuses = await spoofingLogins(behindEdge.url, '127.0.0.62')
    expect(statuses).toEqual([...Array<number>(POLICIES.adminLogin.limit).fill(401), 429])
  })
})
