/**
 * Integration tests of the local Upstash-compatible gateway against the real Redis
 * (env.REDIS_URL, by default redis://127.0.0.1:6379), driven by the real
 * @upstash/redis and @upstash/ratelimit clients and by raw fetch.
 *
 * Every describe block starts its own gateway on a free port with a random token.
 * Keys live under a per-file random prefix and are deleted afterwards.
 */
import { randomBytes } from 'node:crypto'
import { Ratelimit } from '@upstash/ratelimit'
import { Redis } from '@upstash/redis'
import { Redis as IORedis } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest'
import { env } from '../env'
import { MAX_BODY_BYTES, startGateway, type Gateway } from './gateway'
import { sha1Hex, stripUpstashOnlyFlags } from './gateway-scripts'

const PREFIX = `test:gw:${randomBytes(6).toString('hex')}:`
const k = (name: string) => `${PREFIX}${name}`

let admin: IORedis

beforeAll(async () => {
  admin = new IORedis(env.REDIS_URL, { lazyConnect: true })
  await admin.connect()
})

afterAll(async () => {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await admin.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 500)
    cursor = next
    keys.push(...batch)
  } while (cursor !== '0')
  if (keys.length > 0) await admin.del(...keys)
  await admin.quit()
})

/** Starts a gateway for the enclosing describe block and closes it afterwards. */
function useGateway(): { gateway: () => Gateway; token: () => string } {
  let gateway: Gateway | undefined
  const token = randomBytes(24).toString('hex')
  beforeAll(async () => {
    gateway = await startGateway({ port: 0, redisUrl: env.REDIS_URL, token })
  })
  afterAll(async () => {
    await gateway?.close()
  })
  return {
    gateway: () => {
      if (!gateway) throw new Error('gateway not started')
      return gateway
    },
    token: () => token,
  }
}

interface SeenRequest {
  path: string
  body: unknown
  headers: Headers
}

/** Records the SDK's requests to the gateway (the SDKs call the global fetch). */
function useFetchSpy(baseUrl: () => string): () => SeenRequest[] {
  let spy: MockInstance<typeof fetch> | undefined
  beforeEach(() => {
    spy = vi.spyOn(globalThis, 'fetch')
  })
  afterEach(() => {
    spy?.mockRestore()
  })
  return () =>
    (spy?.mock.calls ?? []).flatMap(([input, init]): SeenRequest[] => {
      const url = new URL(input instanceof Request ? input.url : String(input))
      if (url.origin !== new URL(baseUrl()).origin) return []
      const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined
      return [{ path: url.pathname, body, headers: new Headers(init?.headers) }]
    })
}

describe('with the real @upstash/redis client (defaults: auto-pipelining and base64 on)', () => {
  const { gateway, token } = useGateway()
  const seen = useFetchSpy(() => gateway().url)
  let redis: Redis

  beforeAll(() => {
    redis = new Redis({ url: gateway().url, token: token() })
  })

  it('batches concurrent calls into one /pipeline request with Upstash-Encoding: base64', async () => {
    const writes = await Promise.all([redis.set(k('a'), 'alpha'), redis.set(k('b'), 'beta'), redis.incr(k('n'))])
    expect(writes).toEqual(['OK', 'OK', 1])

    const writeRequests = seen()
    expect(writeRequests).toHaveLength(1)
    expect(writeRequests[0]?.path).toBe('/pipeline')
    expect(writeRequests[0]?.body).toEqual([
      ['set', k('a'), 'alpha'],
      ['set', k('b'), 'beta'],
      ['incr', k('n')],
    ])
    expect(writeRequests[0]?.headers.get('upstash-encoding')).toBe('base64')

    const reads = await Promise.all([redis.get(k('a')), redis.get(k('b')), redis.get(k('n'))])
    expect(reads).toEqual(['alpha', 'beta', 1])
    expect(seen().map((r) => r.path)).toEqual(['/pipeline', '/pipeline'])
  })

  it('round-trips unicode strings and JSON objects', async () => {
    const text = 'héllo wörld — 日本語 🚀'
    const doc = { sku: 'TEE-1', price: 1999, tags: ['new', 'sale'], nested: { ok: true, none: null } }
    await Promise.all([redis.set(k('text'), text), redis.set(k('doc'), doc)])

    expect(await redis.get<string>(k('text'))).toBe(text)
    expect(await redis.get<typeof doc>(k('doc'))).toEqual(doc)
    // Stored as real UTF-8 / JSON text in Redis, not as base64.
    expect(await admin.get(k('text'))).toBe(text)
    expect(JSON.parse((await admin.get(k('doc'))) ?? 'null')).toEqual(doc)
  })

  it('runs incr, hset/hgetall, expire/ttl and zadd/zrange', async () => {
    expect(await redis.incr(k('counter'))).toBe(1)
    expect(await redis.incrby(k('counter'), 41)).toBe(42)

    expect(await redis.hset(k('hash'), { name: 'Tee', stock: 7, meta: { color: 'red' } })).toBe(3)
    expect(await redis.hgetall(k('hash'))).toEqual({ name: 'Tee', stock: 7, meta: { color: 'red' } })
    expect(await redis.hgetall(k('no-such-hash'))).toBeNull()

    await redis.set(k('temp'), 'x')
    expect(await redis.expire(k('temp'), 100)).toBe(1)
    const ttl = await redis.ttl(k('temp'))
    expect(ttl).toBeGreaterThan(90)
    expect(ttl).toBeLessThanOrEqual(100)
    expect(await redis.ttl(k('no-such-key'))).toBe(-2)

    expect(await redis.zadd(k('zset'), { score: 2, member: 'b' }, { score: 1, member: 'a' }, { score: 3.5, member: 'c' })).toBe(3)
    expect(await redis.zrange(k('zset'), 0, -1)).toEqual(['a', 'b', 'c'])
    expect(await redis.zrange(k('zset'), 0, -1, { withScores: true })).toEqual(['a', 1, 'b', 2, 'c', 3.5])
    expect(await redis.zscore(k('zset'), 'c')).toBe(3.5)
  })

  it('runs multi() as one /multi-exec transaction', async () => {
    const tx = redis.multi()
    tx.set(k('tx'), 10)
    tx.incrby(k('tx'), 5)
    tx.get(k('tx'))
    tx.hset(k('tx-hash'), { a: 1 })
    expect(await tx.exec()).toEqual(['OK', 15, 15, 1])

    const requests = seen()
    expect(requests).toHaveLength(1)
    expect(requests[0]?.path).toBe('/multi-exec')
    expect(await admin.get(k('tx'))).toBe('15')
  })

  it('runs pipeline() as one /pipeline request', async () => {
    const p = redis.pipeline()
    p.set(k('p1'), 'one')
    p.lpush(k('list'), 'x', 'y')
    p.lrange(k('list'), 0, -1)
    p.get(k('p1'))
    expect(await p.exec()).toEqual(['OK', 2, ['y', 'x'], 'one'])
    expect(seen().map((r) => r.path)).toEqual(['/pipeline'])
  })

  it('evaluates Lua scripts with keys and args', async () => {
    const incr = "return redis.call('INCRBY', KEYS[1], ARGV[1])"
    expect(await redis.eval<[number], number>(incr, [k('lua')], [5])).toBe(5)
    expect(await redis.eval<[number], number>(incr, [k('lua')], [2])).toBe(7)
    const table = "return {KEYS[1], ARGV[1], tonumber(ARGV[2]), {'nested', 3}}"
    expect(await redis.eval<[string, number], unknown>(table, [k('x')], ['ünï', 42])).toEqual([
      k('x'),
      'ünï',
      42,
      ['nested', 3],
    ])
  })

  it('returns null from mget for missing keys', async () => {
    await redis.mset({ [k('m1')]: 'one', [k('m3')]: { three: 3 } })
    expect(await redis.mget(k('m1'), k('m2-missing'), k('m3'))).toEqual(['one', null, { three: 3 }])
    expect(await redis.get(k('m2-missing'))).toBeNull()
  })

  it('rejects a Redis error with the Redis message', async () => {
    await redis.set(k('str'), 'not a number')
    await expect(redis.incr(k('str'))).rejects.toThrow(/ERR value is not an integer/)
  })
})

describe('with the real @upstash/ratelimit', () => {
  const { gateway, token } = useGateway()
  const seen = useFetchSpy(() => gateway().url)
  let redis: Redis

  beforeAll(() => {
    redis = new Redis({ url: gateway().url, token: token() })
  })

  const commandsSent = () =>
    seen().flatMap((request) => {
      const commands = request.path === '/' ? [request.body] : Array.isArray(request.body) ? request.body : []
      return commands.map((command: unknown) => (Array.isArray(command) ? String(command[0]).toLowerCase() : '?'))
    })

  it.each([
    ['slidingWindow', Ratelimit.slidingWindow(3, '60 s')],
    ['fixedWindow', Ratelimit.fixedWindow(3, '60 s')],
  ])('%s: falls back from NOSCRIPT to EVAL, then enforces the limit', async (name, limiter) => {
    const ratelimit = new Ratelimit({ redis, limiter, prefix: k(`rl-${name}`) })
    await admin.script('FLUSH')

    const first = await ratelimit.limit('user-1')
    await first.pending
    expect(first.success).toBe(true)
    expect(first.limit).toBe(3)
    expect(first.remaining).toBe(2)
    // EVALSHA met an empty script cache (a per-item NOSCRIPT inside the 200), then EVAL loaded it.
    const sent = commandsSent()
    expect(sent[0]).toBe('evalsha')
    expect(sent).toContain('eval')

    const sentBefore = commandsSent().length
    const second = await ratelimit.limit('user-1')
    const third = await ratelimit.limit('user-1')
    const fourth = await ratelimit.limit('user-1')
    // From now on EVALSHA with the client's hash finds the script the gateway loaded.
    expect(commandsSent().slice(sentBefore)).toEqual(['evalsha', 'evalsha', 'evalsha'])
    expect([second.success, third.success, fourth.success]).toEqual([true, true, false])
    expect([second.remaining, third.remaining, fourth.remaining]).toEqual([1, 0, 0])
    expect(fourth.reset).toBeGreaterThan(Date.now())

    // Another identifier has its own budget.
    expect((await ratelimit.limit('user-2')).success).toBe(true)
  })
})

describe('raw HTTP protocol', () => {
  const { gateway, token } = useGateway()

  async function post(
    path: string,
    body: unknown,
    headers: Record<string, string> = { authorization: `Bearer ${token()}` },
  ): Promise<{ status: number; json: unknown }> {
    const res = await fetch(new URL(path, gateway().url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, json: text ? JSON.parse(text) : null }
  }

  it('answers a single command with {result}', async () => {
    expect(await post('/', ['set', k('raw'), 'v', 'EX', 100])).toEqual({ status: 200, json: { result: 'OK' } })
    expect(await post('/', ['get', k('raw')])).toEqual({ status: 200, json: { result: 'v' } })
    expect(await post('/', ['ttl', k('raw')])).toMatchObject({ status: 200, json: { result: expect.any(Number) } })
  })

  it('sends numbers as their decimal strings', async () => {
    expect((await post('/', ['set', k('num'), 42])).status).toBe(200)
    expect(await post('/', ['incrbyfloat', k('num'), 0.5])).toEqual({ status: 200, json: { result: '42.5' } })
    expect(await admin.get(k('num'))).toBe('42.5')
  })

  it('returns HGETALL as a flat array, as Upstash does', async () => {
    await admin.hset(k('flat'), 'f1', 'v1', 'f2', 'v2')
    expect(await post('/', ['hgetall', k('flat')])).toEqual({ status: 200, json: { result: ['f1', 'v1', 'f2', 'v2'] } })
  })

  it('rejects a missing or wrong token with 401', async () => {
    const unauthorized = { status: 401, json: { error: 'Unauthorized' } }
    expect(await post('/', ['ping'], {})).toEqual(unauthorized)
    expect(await post('/', ['ping'], { authorization: 'Bearer wrong' })).toEqual(unauthorized)
    expect(await post('/', ['ping'], { authorization: `Bearer ${token().replace(/.$/, 'x')}` })).toEqual(unauthorized)
    expect(await post('/', ['ping'], { authorization: token() })).toEqual(unauthorized)
    expect(await post('/pipeline', [['ping']], { authorization: `Basic ${token()}` })).toEqual(unauthorized)
  })

  it('rejects malformed bodies with 400 and a clear error', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{not json', /failed to parse command.*not valid JSON/],
      ['', /not valid JSON/],
      [{ command: 'get' }, /must be a JSON array/],
      [[], /empty array/],
      [[42, 'x'], /command name .* must be a non-empty string/],
      [['set', k('x'), true], /element 3 must be a string or a number, got boolean/],
      [['set', k('x'), null], /got null/],
      [['set', k('x'), { a: 1 }], /got an object/],
      [['set', k('x'), ['nested']], /got an array/],
    ]
    for (const [body, message] of cases) {
      const { status, json } = await post('/', body)
      expect(status, JSON.stringify(body)).toBe(400)
      expect(json).toEqual({ error: expect.stringMatching(message) })
    }
    expect(await admin.exists(k('x'))).toBe(0)

    const pipelineCases: Array<[unknown, RegExp]> = [
      [['get', 'x'], /command 1: a command must be a JSON array/],
      [[], /empty array/],
      [{}, /must be a JSON array of commands/],
      [[['ping'], [false]], /command 2: the command name/],
    ]
    for (const [body, message] of pipelineCases) {
      for (const path of ['/pipeline', '/multi-exec']) {
        const { status, json } = await post(path, body)
        expect(status, `${path} ${JSON.stringify(body)}`).toBe(400)
        expect(json).toEqual({ error: expect.stringMatching(message) })
      }
    }
  })

  it('returns 400 with the Redis text for an unknown command', async () => {
    const { status, json } = await post('/', ['nosuchcommand', 'x'])
    expect(status).toBe(400)
    expect(json).toEqual({ error: expect.stringMatching(/^ERR unknown command/) })
  })

  it('keeps per-command errors inside a 200 pipeline reply', async () => {
    const { status, json } = await post('/pipeline', [
      ['set', k('pl'), 'v'],
      ['nosuchcommand'],
      ['incr', k('pl')],
      ['get', k('pl')],
    ])
    expect(status).toBe(200)
    expect(json).toEqual([
      { result: 'OK' },
      { error: expect.stringContaining('unknown command') },
      { error: 'ERR value is not an integer or out of range' },
      { result: 'v' },
    ])
  })

  it('runs /multi-exec atomically: runtime errors per item, queueing errors abort everything', async () => {
    const ok = await post('/multi-exec', [
      ['set', k('tx'), 'v'],
      ['incr', k('tx')],
      ['append', k('tx'), '!'],
    ])
    expect(ok).toEqual({
      status: 200,
      json: [{ result: 'OK' }, { error: 'ERR value is not an integer or out of range' }, { result: 2 }],
    })

    const aborted = await post('/multi-exec', [
      ['set', k('tx-aborted'), 'v'],
      ['nosuchcommand'],
    ])
    expect(aborted.status).toBe(400)
    expect(aborted.json).toEqual({ error: expect.stringMatching(/^EXECABORT.*unknown command/) })
    expect(await admin.exists(k('tx-aborted'))).toBe(0)
  })

  it('refuses commands that would pin or re-configure the shared connection', async () => {
    const refused = [
      ['subscribe', 'chan'],
      ['psubscribe', 'chan*'],
      ['monitor'],
      ['blpop', k('list'), 0],
      ['brpop', k('list'), 1],
      ['blmove', k('a'), k('b'), 'LEFT', 'RIGHT', 0],
      ['bzpopmin', k('z'), 0],
      ['xread', 'COUNT', 1, 'BLOCK', 0, 'STREAMS', k('s'), '$'],
      ['SELECT', 1],
      ['quit'],
      ['multi'],
      ['exec'],
      ['watch', k('w')],
      ['client', 'reply', 'off'],
      ['hello', 3],
    ]
    for (const command of refused) {
      const { status, json } = await post('/', command)
      expect(status, JSON.stringify(command)).toBe(400)
      expect(json).toEqual({ error: expect.stringMatching(/^ERR command '.+' is not allowed by the local Upstash gateway: /) })
    }
    // XREAD without BLOCK, and a stream key that happens to be called "block", are fine.
    expect((await post('/', ['xread', 'STREAMS', 'block', '0'])).status).toBe(200)

    // Inside a pipeline the whole batch is refused before anything runs.
    const pipeline = await post('/pipeline', [['set', k('never'), 'v'], ['blpop', k('list'), 0]])
    expect(pipeline).toEqual({ status: 400, json: { error: expect.stringMatching(/'BLPOP' is not allowed.*pipeline command 2/) } })
    expect(await admin.exists(k('never'))).toBe(0)
  })

  it('answers 404 for unknown paths and 405 for other methods', async () => {
    expect(await post('/nope', ['ping'])).toEqual({ status: 404, json: { error: expect.stringContaining('unknown path /nope') } })
    expect((await post('/set/k/v', ['ping'])).status).toBe(404)
    const get = await fetch(new URL('/', gateway().url), { headers: { authorization: `Bearer ${token()}` } })
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect(await get.json()).toEqual({ error: expect.stringContaining('use POST') })
  })

  it('answers 413 for bodies over MAX_BODY_BYTES, declared or streamed', async () => {
    const big = JSON.stringify(['set', k('big'), 'x'.repeat(MAX_BODY_BYTES)])
    expect(await post('/', big)).toEqual({ status: 413, json: { error: expect.stringContaining('larger than') } })

    // Chunked upload without Content-Length: cut off while streaming.
    const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 12) controller.enqueue(chunk)
        else controller.close()
      },
    })
    const res = await fetch(new URL('/', gateway().url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token()}` },
      body: stream,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' })
    expect(res.status).toBe(413)
    await res.text()
    expect(await admin.exists(k('big'))).toBe(0)
  })

  it('keeps transactions atomic among concurrent requests on the shared connection', async () => {
    const singles = Array.from({ length: 100 }, () => post('/', ['incr', k('conc')]))
    const transactions = Array.from({ length: 20 }, () =>
      post('/multi-exec', [
        ['incr', k('conc')],
        ['incr', k('conc')],
        ['incr', k('conc')],
      ]),
    )
    const [singleReplies, txReplies] = await Promise.all([Promise.all(singles), Promise.all(transactions)])
    expect(singleReplies.every((r) => r.status === 200)).toBe(true)
    for (const { status, json } of txReplies) {
      expect(status).toBe(200)
      const values = (json as Array<{ result: number }>).map((item) => item.result)
      // Nothing from another request landed between MULTI and EXEC.
      expect(values[1]).toBe((values[0] ?? NaN) + 1)
      expect(values[2]).toBe((values[0] ?? NaN) + 2)
    }
    expect(await admin.get(k('conc'))).toBe(String(100 + 20 * 3))
  })

  it('still serves normal commands after all the bad requests above', async () => {
    expect(await post('/', ['set', k('alive'), 'yes'])).toEqual({ status: 200, json: { result: 'OK' } })
    expect(await post('/pipeline', [['get', k('alive')], ['ping']])).toEqual({
      status: 200,
      json: [{ result: 'yes' }, { result: 'PONG' }],
    })
  })
})

describe('Upstash-Encoding: base64', () => {
  const { gateway, token } = useGateway()

  async function post(path: string, body: unknown, base64 = true): Promise<unknown> {
    const res = await fetch(new URL(path, gateway().url), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token()}`,
        'content-type': 'application/json',
        ...(base64 ? { 'upstash-encoding': 'base64' } : {}),
      },
      body: JSON.stringify(body),
    })
    return res.json()
  }
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64')

  it('encodes strings but not integers, null or errors', async () => {
    await admin.set(k('s'), 'héllo')
    expect(await post('/', ['get', k('s')])).toEqual({ result: b64('héllo') })
    expect(await post('/', ['strlen', k('s')])).toEqual({ result: 6 })
    expect(await post('/', ['get', k('missing')])).toEqual({ result: null })
    expect(await post('/', ['incr', k('s')])).toEqual({ error: 'ERR value is not an integer or out of range' })
    // Without the header, the same reply is plain UTF-8.
    expect(await post('/', ['get', k('s')], false)).toEqual({ result: 'héllo' })
  })

  it('encodes recursively inside arrays and per pipeline item', async () => {
    await admin.rpush(k('l'), 'a', 'b')
    expect(await post('/pipeline', [['lrange', k('l'), 0, -1], ['llen', k('l')], ['eval', "return {1, 'x', {'y', 2}}", 0]])).toEqual([
      { result: [b64('a'), b64('b')] },
      { result: 2 },
      { result: [1, b64('x'), [b64('y'), 2]] },
    ])
  })

  it('carries binary values byte for byte', async () => {
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41])
    await admin.set(k('bin'), bytes)
    const reply = await post('/', ['get', k('bin')])
    expect(reply).toEqual({ result: bytes.toString('base64') })
  })
})

describe('Lua scripts with Upstash-only shebang flags', () => {
  const { gateway, token } = useGateway()

  async function post(body: unknown): Promise<unknown> {
    const res = await fetch(new URL('/', gateway().url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return res.json()
  }

  it('accepts #!lua flags=allow-key-locking and keeps the client-side SHA1', async () => {
    const script = `#!lua flags=allow-key-locking\nreturn redis.call('INCRBY', KEYS[1], ARGV[1]) -- ${PREFIX}`
    const clientSha = sha1Hex(script)
    // Plain Redis refuses the flag: this is what the gateway papers over.
    await expect(admin.eval(script, 1, k('lua-flag'), 1)).rejects.toThrow(/Unexpected flag in script shebang: allow-key-locking/)

    expect(await post(['eval', script, 1, k('lua-flag'), 2])).toEqual({ result: 2 })
    expect(await post(['script', 'load', script])).toEqual({ result: clientSha })
    expect(await post(['script', 'exists', clientSha, '0000000000000000000000000000000000000000'])).toEqual({ result: [1, 0] })
    expect(await post(['evalsha', clientSha.toUpperCase(), 1, k('lua-flag'), 3])).toEqual({ result: 5 })
  })

  it('keeps the flags Redis knows', async () => {
    const script = `#!lua flags=no-writes,allow-key-locking\nreturn redis.call('SET', KEYS[1], 'x')`
    expect(stripUpstashOnlyFlags(script)).toBe(`#!lua flags=no-writes\nreturn redis.call('SET', KEYS[1], 'x')`)
    expect(await post(['eval', script, 1, k('ro')])).toEqual({ error: expect.stringMatching(/Write commands are not allowed from read-only scripts/) })
    expect(stripUpstashOnlyFlags("return 'no shebang'")).toBeNull()
    expect(stripUpstashOnlyFlags('#!lua flags=no-writes\nreturn 1')).toBeNull()
  })
})

describe('gateway lifecycle', () => {
  it('picks a free port, and close() stops serving', async () => {
    const token = randomBytes(16).toString('hex')
    const gateway = await startGateway({ port: 0, redisUrl: env.REDIS_URL, token })
    expect(gateway.port).toBeGreaterThan(0)
    expect(gateway.url).toBe(`http://127.0.0.1:${gateway.port}`)
    const redis = new Redis({ url: gateway.url, token, retry: false })
    expect(await redis.ping()).toBe('PONG')

    await gateway.close()
    await gateway.close() // idempotent
    await expect(redis.ping()).rejects.toThrow()
  })

  it('fails to start when Redis is unreachable', async () => {
    await expect(
      startGateway({ port: 0, redisUrl: 'redis://127.0.0.1:1', token: 't', logger: () => {} }),
    ).rejects.toThrow(/cannot connect to Redis at redis:\/\/127\.0\.0\.1:1/)
  })
})
