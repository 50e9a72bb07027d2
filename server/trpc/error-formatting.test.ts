import { fetchRequestHandler } from '@trpc/server/adapters/fetch'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { AppError } from '../platform/errors'
import { createContext, createTRPCRouter, publicProcedure, responseMeta, UNREADABLE_INPUT_MESSAGE } from './init'

/** A router of services that fail the ways real ones do, served by the same fetch adapter as the app. */
const testRouter = createTRPCRouter({
  soldOut: publicProcedure.query(() => {
    throw new AppError('SOLD_OUT', 'Sold out: Doorbuster TV', { details: { items: ['Doorbuster TV'] } })
  }),
  limited: publicProcedure.mutation(() => {
    throw new AppError('RATE_LIMITED', 'Slow down', { retryAfterSeconds: 2.2 })
  }),
  mismatch: publicProcedure.mutation(() => {
    throw new AppError('IDEMPOTENCY_MISMATCH', 'Key reused with a different body')
  }),
  boom: publicProcedure.query(() => {
    throw new Error('database password is hunter2')
  }),
  echo: publicProcedure.input(z.object({ qty: z.number().int().min(1) })).query(({ input }) => input.qty),
  set: publicProcedure.input(z.object({ qty: z.number().int().min(1) })).mutation(({ input }) => input.qty),
})

/** Serves `req` with the app's fetch adapter settings; returns the status, headers and error. */
async function serve(req: Request) {
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: testRouter,
    createContext: () => createContext({ headers: req.headers, source: 'http' }),
    responseMeta,
    onError: () => {},
  })
  const body = (await res.json()) as { error: { json: { message: string; data: Record<string, unknown> } } }
  return { status: res.status, headers: res.headers, error: body.error.json }
}

/** POSTs `body` as it is (no superjson wrapper added) to mutation `path`. */
async function postRaw(path: string, body: string) {
  const { status, error } = await serve(new Request(`http://localhost/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }))
  return { status, message: error.message }
}

async function call(path: string, init: { method?: 'GET' | 'POST'; input?: unknown } = {}) {
  const method = init.method ?? 'GET'
  const input = init.input === undefined ? '' : encodeURIComponent(JSON.stringify({ json: init.input }))
  const url = `http://localhost/api/trpc/${path}${method === 'GET' && input ? `?input=${input}` : ''}`
  return serve(
    new Request(url, {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'POST' ? JSON.stringify({ json: init.input ?? null }) : undefined,
    }),
  )
}

describe('AppError → tRPC code → HTTP status, in one formatter', () => {
  it('sold out is 409 with the item names for the UI', async () => {
    const r = await call('soldOut')
    expect(r.status).toBe(409)
    expect(r.error.data).toMatchObject({ code: 'CONFLICT', appCode: 'SOLD_OUT', details: { items: ['Doorbuster TV'] } })
  })

  it('rate limited is 429 with a whole-second Retry-After', async () => {
    const r = await call('limited', { method: 'POST' })
    expect(r.status).toBe(429)
    expect(r.headers.get('retry-after')).toBe('3')
    expect(r.error.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 2.2 })
  })

  it('an idempotency mismatch is 422', async () => {
    const r = await call('mismatch', { method: 'POST' })
    expect(r.status).toBe(422)
  })

  it('bad input is 400 with flattened zod details', async () => {
    const r = await call('echo', { input: { qty: 0 } })
    expect(r.status).toBe(400)
    const zodError = r.error.data.zodError as { fieldErrors: Record<string, string[]> }
    expect(zodError.fieldErrors.qty?.[0]).toMatch(/>=\s*1|at least 1|too small/i)
    // The message is for people: the field and what is wrong, not the issues' JSON.
    expect(r.error.message).toMatch(/^Invalid input: qty: /)
    expect(r.error.message).not.toContain('{')
  })

  it('an input that is not an object says so once; a body without the {"json": …} wrapper is told what to send', async () => {
    expect(await postRaw('set', '{"json":null}')).toEqual({ status: 400, message: 'Invalid input: expected object, received null' })
    for (const body of ['{"qty":1}', '[1,2,3]']) {
      const r = await postRaw('set', body)
      expect(r.status).toBe(400)
      expect(r.message).toMatch(/^Invalid input: nothing was sent \(a tRPC call sends its input as \{"json": <input>\}/)
    }
  })

  it('an input nested too deep to read is a 400 that says so, not the stack overflow', async () => {
    const depth = 20_000
    const r = await postRaw('set', `{"json":${'['.repeat(depth)}${']'.repeat(depth)}}`)
    expect(r).toEqual({ status: 400, message: UNREADABLE_INPUT_MESSAGE })
  })

  it("malformed JSON keeps the parser's own words (where it broke)", async () => {
    const r = await postRaw('set', '{"json":{"qty":1}')
    expect(r.status).toBe(400)
    expect(r.message).toMatch(/JSON/)
  })

  it('an unexpected error is a 500 that does not leak its message', async () => {
    const r = await call('boom')
    expect(r.status).toBe(500)
    expect(r.error.data.appCode).toBeNull()
    expect(r.error.message).not.toContain('hunter2')
    expect(JSON.stringify(r.error)).not.toContain('hunter2')
  })
})
