/**
 * A request Node's HTTP parser refuses before any route sees it (here a 100,000-character URL,
 * far over the 16 KiB of request line and headers Node reads) still gets a readable answer
 * from both HTTP processes: 431 with the tRPC error shape on a tRPC path, a short text on a
 * page. Real HTTP against the run's test store (the web server) and an API service of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiService, type RunningApi } from '../../testing/api-service'
import { currentStoreEnv, testStoreUrl } from '../../testing/test-store'

/** The URL length the tester sent. */
const LONG_URL_CHARS = 100_000

let api: RunningApi

beforeAll(async () => {
  api = await startApiService('auto', currentStoreEnv())
})
afterAll(async () => {
  await api?.stop()
})

interface TrpcErrorBody {
  error: { json: { message: string; data: { httpStatus: number } } }
}

async function get(url: string) {
  const res = await fetch(url)
  return { status: res.status, contentType: res.headers.get('content-type'), body: await res.text() }
}

describe.each([
  { process: 'web server', base: () => testStoreUrl() },
  { process: 'API service', base: () => api.url },
])('a request line over the header limit, on the $process', ({ base }) => {
  it('a tRPC call answers 431 with the tRPC error shape and a message a client can show', async () => {
    const answer = await get(`${base()}/api/trpc/catalog.search?input=${'x'.repeat(LONG_URL_CHARS)}`)
    expect(answer.status).toBe(431)
    expect(answer.contentType).toMatch(/^application\/json/)
    const parsed = JSON.parse(answer.body) as TrpcErrorBody
    expect(parsed.error.json.data.httpStatus).toBe(431)
    expect(parsed.error.json.message).toMatch(/too large.*shorter address/i)
  })

  it('a page answers 431 with a short text saying what was wrong', async () => {
    const answer = await get(`${base()}/search?q=${'x'.repeat(LONG_URL_CHARS)}`)
    expect(answer.status).toBe(431)
    expect(answer.contentType).toMatch(/^text\/plain/)
    expect(answer.body).toMatch(/^Request header fields too large/)
  })
})
