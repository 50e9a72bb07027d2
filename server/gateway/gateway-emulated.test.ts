/**
 * The local Upstash-compatible gateway on its in-process Redis emulation (`emulateRedis: true`,
 * what `npm start` uses when no Redis answers), driven by the real @upstash/redis and
 * @upstash/ratelimit clients and by raw fetch. No Redis server is involved: each describe
 * block gets a gateway of its own, and its data is gone when the gateway closes.
 */
import { randomBytes } from 'node:crypto'
import { Ratelimit } from '@upstash/ratelimit'
import { Redis } from '@upstash/redis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest'
import { SET_IF_NEWER_LUA } from '../platform/cache'
import { startGateway, type Gateway } from './gateway'

function useEmulatedGateway(): { gateway: () => Gateway; token: string; redis: () => Redis } {
  const token = randomBytes(24).toString('hex')
  let gateway: Gateway | undefined
  let redis: Redis | undefined
  beforeAll(async () => {
    gateway = await startGateway({ port: 0, emulateRedis: true, token })
    redis = new Redis({ url: gateway.url, token, retry: { retries: 0 } })
  })
  afterAll(async () => {
    await gateway?.close()
  })
  const started = <T,>(value: T | undefined): T => {
    if (value === undefined) throw new Error('gateway not started')
    return value
  }
  return { gateway: () => started(gateway), token, redis: () => started(redis) }
}

async function post(gateway: Gateway, token: string, path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(new URL(path, gateway.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, json: await res.json() }
}

describe('commands through @upstash/redis', () => {
  const { gateway, token, redis } = useEmulatedGateway()

  it('says what it fronts', () => {
    expect(gateway().backend).toBe('in-process Redis emulation (ioredis-mock)')
  })

  it('stores and reads strings, JSON, counters and expiries', async () => {
    expect(await redis().set('doc', { id: 7, name: 'Lamp' })).toBe('OK')
    expect(await redis().get('doc')).toEqual({ id: 7, name: 'Lamp' })
    expect(await redis().set('once', 'a', { nx: true })).toBe('OK')
    expect(await redis().set('once', 'b', { nx: true })).toBeNull()
    expect(await redis().incrby('n', 5)).toBe(5)
    expect(await redis().incr('n')).toBe(6)
    expect(await redis().mget('doc', 'missing', 'n')).toEqual([{ id: 7, name: 'Lamp' }, null, 6])
    expect(await redis().expire('n', 100)).toBe(1)
    expect(await redis().ttl('n')).toBeGreaterThan(90)
    // Lower-case options, as the SDK sends them, still set the expiry.
    expect(await redis().set('with-ttl', 'x', { ex: 50 })).toBe('OK')
    expect(await redis().ttl('with-ttl')).toBeGreaterThan(40)
    expect(await redis().set('with-ttl', 'y', { px: 5_000, xx: true })).toBe('OK')
    expect(await redis().pttl('with-ttl')).toBeLessThanOrEqual(5_000)
    expect(await redis().del('n', 'missing')).toBe(1)
    expect(await redis().get('n')).toBeNull()
  })

  it('answers HGETALL as a hash and ZRANGE WITHSCORES as pairs', async () => {
    await redis().hset('cart', { '12': 2, '40': 1 })
    expect(await redis().hgetall('cart')).toEqual({ '12': 2, '40': 1 })
    expect(await redis().hgetall('no-such-hash')).toBeNull()
    await redis().zadd('tags', { score: 10, member: 'product:1' }, { score: 20, member: 'category:toys' })
    expect(await redis().zrange('tags', 0, -1, { withScores: true })).toEqual(['product:1', 10, 'category:toys', 20])
    expect(await redis().zscore('tags', 'category:toys')).toBe(20)
  })

  it('keeps a command error inside its pipeline item and runs the rest (INCR of a word is refused, not NaN)', async () => {
    await redis().set('word', 'abc')
    const reply = await post(gateway(), token, '/pipeline', [['incr', 'word'], ['get', 'word'], ['nosuchcommand']])
    expect(reply.status).toBe(200)
    expect(reply.json).toEqual([
      { error: expect.stringMatching(/^ERR /) },
      { result: 'abc' },
      { error: expect.stringMatching(/^ERR unknown command 'nosuchcommand'/) },
    ])
  })

  it('aborts a transaction that names an unknown command, before running any of it', async () => {
    const reply = await post(gateway(), token, '/multi-exec', [['set', 'tx-marker', 'written'], ['nosuchcommand', 'x']])
    expect(reply).toEqual({ status: 400, json: { error: expect.stringMatching(/^EXECABORT .*unknown command 'nosuchcommand'/) } })
    expect(await redis().get('tx-marker')).toBeNull()
  })

  it('runs concurrent transactions one at a time', async () => {
    // Each transaction increments and reads back: interleaving would make a read skip or repeat a value.
    const replies = await Promise.all(
      Array.from({ length: 40 }, () => post(gateway(), token, '/multi-exec', [['incr', 'tx-counter'], ['get', 'tx-counter']])),
    )
    const pairs = replies.map((r) => r.json as [{ result: number }, { result: string }])
    for (const [incr, get] of pairs) expect(get.result).toBe(String(incr.result))
    expect(pairs.map(([incr]) => incr.result).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
  })

  it('refuses a bad token like the real gateway', async () => {
    expect(await post(gateway(), 'wrong', '/', ['ping'])).toEqual({ status: 401, json: { error: 'Unauthorized' } })
  })
})

describe('two emulated gateways', () => {
  const first = useEmulatedGateway()
  const second = useEmulatedGateway()

  it('do not share data', async () => {
    await first.redis().set('shared?', 'first')
    expect(await second.redis().get('shared?')).toBeNull()
  })
})

describe('Lua scripts on the emulation', () => {
  const { gateway, token, redis } = useEmulatedGateway()

  it("runs the cache's set-if-newer script, cjson included: an older version never overwrites a newer one", async () => {
    const setIfNewer = redis().createScript<number>(SET_IF_NEWER_LUA)
    const envelope = (ver: number, v: string) => JSON.stringify({ v: { name: v, note: 'caf\u00e9 \\"quoted\\" \ud83d\ude00' }, fresh: 1, ver })
    expect(await setIfNewer.exec(['product:1'], [envelope(5, 'v5'), '5', '60000'])).toBe(1)
    expect(await setIfNewer.exec(['product:1'], [envelope(4, 'v4'), '4', '60000'])).toBe(0)
    expect(await redis().get('product:1')).toMatchObject({ ver: 5, v: { name: 'v5' } })
    expect(await setIfNewer.exec(['product:1'], [envelope(6, 'v6'), '6', '60000'])).toBe(1)
    expect(await redis().get('product:1')).toMatchObject({ ver: 6, v: { name: 'v6' } })
    // A malformed stored value is overwritten, as on Redis.
    await redis().set('product:2', 'not json {')
    expect(await setIfNewer.exec(['product:2'], [envelope(1, 'v1'), '1', '60000'])).toBe(1)
  })

  it('decodes JSON with cjson.decode like Redis (nested values, escapes, numbers, null)', async () => {
    const script = `
      local d = cjson.decode(ARGV[1])
      return { d.name, d.n * 2, d.list[2], d.nothing == cjson.null and 'null' or 'not null', d.flag == false and 'false' or '?', d.nested.k }`
    const json = JSON.stringify({ name: 'Zo\u00eb \u2603 \ud83d\ude00', n: -12.5e1, list: ['a', 'b\n"c"'], nothing: null, flag: false, nested: { k: 'v' } })
    expect(await post(gateway(), token, '/', ['eval', script, 0, json])).toEqual({
      status: 200,
      json: { result: ['Zoë ☃ 😀', -250, 'b\n"c"', 'null', 'false', 'v'] },
    })
    expect(await post(gateway(), token, '/', ['eval', 'return cjson.decode(ARGV[1])', 0, '{"a": 1,'])).toEqual({
      status: 400,
      json: { error: expect.stringMatching(/^ERR Error running script: .*Expected/) },
    })
  })

  it('converts values the way Redis does: numeric arguments become strings, results truncate, false is nil', async () => {
    // The cart's add script writes `cur + delta`, a Lua number: Redis stores the string "3".
    await redis().eval("redis.call('HSET', KEYS[1], 'qty', tonumber(ARGV[1]) + 1.0) return 1", ['numbers'], ['2'])
    expect(await post(gateway(), token, '/', ['hget', 'numbers', 'qty'])).toEqual({ status: 200, json: { result: '3' } })
    expect(await post(gateway(), token, '/', ['eval', 'return 7.9', 0])).toEqual({ status: 200, json: { result: 7 } })
    expect(await post(gateway(), token, '/', ['eval', 'return false', 0])).toEqual({ status: 200, json: { result: null } })
    expect(await post(gateway(), token, '/', ['eval', "return {1, 'two', {3}}", 0])).toEqual({ status: 200, json: { result: [1, 'two', [3]] } })
    expect(await post(gateway(), token, '/', ['eval', "return redis.call('GET', KEYS[1])", 1, 'missing-key'])).toEqual({
      status: 200,
      json: { result: null },
    })
  })

  it("answers TIME inside a script from the gateway's clock (whole seconds and microseconds that agree)", async () => {
    const before = Date.now()
    const [seconds, micros] = await redis().eval<[], [string, string]>("return redis.call('TIME')", [], [])
    const after = Date.now()
    const ms = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
    expect(ms).toBeGreaterThanOrEqual(before)
    expect(ms).toBeLessThanOrEqual(after)
    // Epoch milliseconds as floats (fengari's integers are 32-bit), formatted whole.
    const [s, msText] = await redis().eval<[], [string, string]>("local t = redis.call('TIME') return { t[1], string.format('%.0f', tonumber(t[1]) * 1000.0) }", [], [])
    expect(String(msText)).toBe(`${s}000`)
  })

  it('answers EVALSHA of an unknown script with NOSCRIPT, and serves it once EVAL or SCRIPT LOAD registered it', async () => {
    const script = `#!lua flags=allow-key-locking\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`
    const { sha1Hex } = await import('./gateway-scripts')
    const clientSha = sha1Hex(script)
    expect(await post(gateway(), token, '/', ['evalsha', clientSha, 1, 'by-sha', 1])).toEqual({
      status: 400,
      json: { error: 'NOSCRIPT No matching script. Please use EVAL.' },
    })
    expect(await post(gateway(), token, '/', ['eval', script, 1, 'by-sha', 2])).toEqual({ status: 200, json: { result: 2 } })
    expect(await post(gateway(), token, '/', ['evalsha', clientSha, 1, 'by-sha', 3])).toEqual({ status: 200, json: { result: 5 } })
    expect(await post(gateway(), token, '/', ['script', 'exists', clientSha, 'f'.repeat(40)])).toEqual({ status: 200, json: { result: [1, 0] } })
    expect(await post(gateway(), token, '/', ['script', 'flush'])).toEqual({ status: 200, json: { result: 'OK' } })
    expect(await post(gateway(), token, '/', ['evalsha', clientSha, 1, 'by-sha', 1])).toMatchObject({ status: 400 })
    expect(await post(gateway(), token, '/', ['script', 'load', script])).toEqual({ status: 200, json: { result: clientSha } })
    expect(await post(gateway(), token, '/', ['evalsha', clientSha, 1, 'by-sha', 1])).toEqual({ status: 200, json: { result: 6 } })
  })
})

describe('@upstash/ratelimit on the emulation', () => {
  const { redis, gateway, token } = useEmulatedGateway()
  let fetchSpy: MockInstance<typeof fetch> | undefined
  beforeEach(() => {
    fetchSpy = vi.spyOn(globalThis, 'fetch')
  })
  afterEach(() => {
    fetchSpy?.mockRestore()
  })

  /** Command names the SDK sent to the gateway since the spy started. */
  function commandsSent(): string[] {
    return (fetchSpy?.mock.calls ?? []).flatMap(([input, init]) => {
      const url = String(input instanceof Request ? input.url : input)
      if (!url.startsWith(gateway().url) || typeof init?.body !== 'string') return []
      const body: unknown = JSON.parse(init.body)
      const commands = url.endsWith('/pipeline') || url.endsWith('/multi-exec') ? body : [body]
      return Array.isArray(commands) ? commands.map((c: unknown) => (Array.isArray(c) ? String(c[0]).toLowerCase() : '?')) : []
    })
  }

  it.each([
    ['sliding window', Ratelimit.slidingWindow(3, '30 s')],
    ['fixed window', Ratelimit.fixedWindow(3, '30 s')],
    ['token bucket', Ratelimit.tokenBucket(1, '30 s', 3)],
  ])('%s: falls back from NOSCRIPT to EVAL on the fresh emulation, then enforces the limit', async (name, limiter) => {
    const ratelimit = new Ratelimit({ redis: redis(), limiter, prefix: `rl:${name}`, analytics: false })
    const results = []
    for (let i = 0; i < 5; i++) results.push(await ratelimit.limit('shopper-1'))
    expect(results.map((r) => r.success)).toEqual([true, true, true, false, false])
    expect(results[0]!.remaining).toBe(2)
    // EVALSHA met the empty script registry (NOSCRIPT), EVAL registered the script, then EVALSHA alone.
    const sent = commandsSent().filter((c) => c === 'eval' || c === 'evalsha')
    expect(sent.slice(0, 2)).toEqual(['evalsha', 'eval'])
    expect(sent.slice(2).every((c) => c === 'evalsha')).toBe(true)
    // Another identifier has its own allowance.
    expect((await ratelimit.limit('shopper-2')).success).toBe(true)
  })

  it('keeps counting after SCRIPT FLUSH (the client re-sends the script)', async () => {
    const ratelimit = new Ratelimit({ redis: redis(), limiter: Ratelimit.fixedWindow(2, '30 s'), prefix: 'rl:flush', analytics: false })
    expect((await ratelimit.limit('s')).success).toBe(true)
    const before = commandsSent().length
    expect(await post(gateway(), token, '/', ['script', 'flush'])).toEqual({ status: 200, json: { result: 'OK' } })
    expect((await ratelimit.limit('s')).success).toBe(true)
    expect((await ratelimit.limit('s')).success).toBe(false)
    expect(commandsSent().slice(before).filter((c) => c !== 'script')).toEqual(['evalsha', 'eval', 'evalsha'])
  })
})
