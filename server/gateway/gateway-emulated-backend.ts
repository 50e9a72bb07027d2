/**
 * The gateway's backend without a Redis server: an in-process emulation on ioredis-mock
 * (data in memory, Lua on fengari), for `npm start` on a machine where no Redis answers.
 *
 * - **One request at a time.** Every `single`, `pipeline` and `transaction` runs to the end
 *   before the next starts (a promise chain), so a transaction is atomic and a script sees
 *   no other request's writes half-way, as on Redis. ioredis-mock's own MULTI rejects the
 *   whole batch on one failing command, so transactions run here, command by command.
 * - **Scripts** are kept here, by SHA1 of their text: EVAL registers, EVALSHA of an unknown
 *   SHA1 answers `NOSCRIPT No matching script. Please use EVAL.` like Redis (clients then
 *   fall back to EVAL), SCRIPT LOAD / EXISTS / FLUSH work on the same registry. Each runs
 *   through ioredis-mock's EVAL with the compatibility prelude of gateway-emulated-lua.ts.
 * - **Replies** are brought to RESP2 shapes: HGETALL's object becomes a flat array, a script's
 *   numbers are truncated to integers and its `false` becomes nil (Redis's Lua conversion),
 *   other non-integer numbers become strings (Redis sends bulk strings).
 * - **Arguments**: option keywords are upper-cased (gateway-emulated-options.ts), and the
 *   INCR family checks for integers first (ioredis-mock would store `NaN`).
 * - **Errors** keep Redis's wording where ioredis-mock has its own: an unknown or unsupported
 *   command is `ERR unknown command …`, other messages get the `ERR ` prefix they lack.
 *
 * Known gaps, fine for one developer's store and listed in docs/decision-embedded.md: no
 * WRONGTYPE on every command, keys that expire are dropped lazily, no persistence, no
 * pub/sub through the gateway (the gateway refuses SUBSCRIBE anyway).
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import RedisMock from 'ioredis-mock'
import { messageOf, type BackendItem, type RedisBackend, type TransactionResult } from './gateway-backend'
import type { RedisCommand } from './gateway-commands'
import { emulatedScript } from './gateway-emulated-lua'
import { withUpperCaseOptions } from './gateway-emulated-options'
import { sha1Hex } from './gateway-scripts'
import { applyIoredisMockCompat } from './ioredis-mock-compat'

/** Every Redis command name ioredis knows (the mock's own helper methods are not among them). */
const REDIS_COMMANDS: ReadonlySet<string> = new Set(Redis.prototype.getBuiltinCommands())
const SCRIPT_COMMANDS = new Set(['eval', 'eval_ro', 'evalsha', 'evalsha_ro', 'script'])
const NOSCRIPT = 'NOSCRIPT No matching script. Please use EVAL.'
const NOT_AN_INTEGER = 'ERR value is not an integer or out of range'
const INTEGER = /^-?\d+$/
/** Counter commands: where the stored value sits (hash field or not), which argument is the increment. */
const COUNTERS: Readonly<Record<string, { field: boolean; increment: number | null }>> = {
  incr: { field: false, increment: null },
  decr: { field: false, increment: null },
  incrby: { field: false, increment: 1 },
  decrby: { field: false, increment: 1 },
  hincrby: { field: true, increment: 2 },
}

type MockFn = (...args: string[]) => Promise<unknown>

/** A Redis reply error, as opposed to a bug in this module. */
class ReplyError extends Error {}

export function createEmulatedBackend(): RedisBackend {
  applyIoredisMockCompat()
  // ioredis-mock shares data between instances with the same host:port; this one is private.
  const mock = new RedisMock({ host: `emulation-${randomBytes(6).toString('hex')}`, lazyConnect: false })
  const scripts = new Map<string, string>()
  let tail: Promise<unknown> = Promise.resolve()

  /** Runs `fn` after everything queued before it; a failure does not stop the queue. */
  function serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(fn, fn)
    tail = run.catch(() => {})
    return run
  }

  function mockCommand(name: string): MockFn | null {
    if (!REDIS_COMMANDS.has(name)) return null
    const fn: unknown = Reflect.get(mock, name)
    return typeof fn === 'function' ? (fn.bind(mock) as MockFn) : null
  }

  /** Whether `command` would be refused before running (Redis: while queueing a MULTI). */
  function unknownCommandError(command: RedisCommand): string | null {
    if (SCRIPT_COMMANDS.has(command.name) || mockCommand(command.name)) return null
    return `ERR unknown command '${command.name}', with args beginning with: ${command.args
      .slice(0, 3)
      .map((a) => `'${a}'`)
      .join(' ')} (not supported by the Redis emulation)`
  }

  async function runScript(sha: string, numKeys: string | undefined, args: string[]): Promise<unknown> {
    const script = scripts.get(sha.toLowerCase())
    if (script === undefined) throw new ReplyError(NOSCRIPT)
    if (numKeys === undefined || !/^\d+$/.test(numKeys)) throw new ReplyError('ERR value is not an integer or out of range')
    if (Number(numKeys) > args.length) throw new ReplyError("ERR Number of keys can't be greater than number of args")
    const reply: unknown = await mock.eval(emulatedScript(script), Number(numKeys), ...args)
    return fromLua(reply)
  }

  function register(script: string): string {
    const sha = sha1Hex(script)
    scripts.set(sha, script)
    return sha
  }

  async function execute(command: RedisCommand): Promise<unknown> {
    const { name, args } = command
    const [first, second, ...rest] = args
    switch (name) {
      case 'eval':
      case 'eval_ro':
        if (first === undefined) throw new ReplyError(`ERR wrong number of arguments for '${name}' command`)
        return runScript(register(first), second, rest)
      case 'evalsha':
      case 'evalsha_ro':
        if (first === undefined) throw new ReplyError(`ERR wrong number of arguments for '${name}' command`)
        return runScript(first, second, rest)
      case 'script':
        return scriptCommand(first?.toLowerCase(), args.slice(1))
    }
    const fn = mockCommand(name)
    if (!fn) throw new ReplyError(unknownCommandError(command) ?? `ERR unknown command '${name}'`)
    await assertCounterIsInteger(command)
    return toResp2(await fn(...withUpperCaseOptions(command).args))
  }

  async function assertCounterIsInteger({ name, args }: RedisCommand): Promise<void> {
    const counter = COUNTERS[name]
    if (!counter || args[0] === undefined) return
    const increment = counter.increment === null ? '1' : args[counter.increment]
    const field = counter.field ? args[1] : undefined
    if (increment === undefined || (counter.field && field === undefined)) return // the mock reports the arity error
    const current: unknown = field === undefined ? await mock.get(args[0]) : await mock.hget(args[0], field)
    if (!INTEGER.test(increment) || (current !== null && !(typeof current === 'string' && INTEGER.test(current)))) {
      throw new ReplyError(NOT_AN_INTEGER)
    }
  }

  function scriptCommand(subcommand: string | undefined, args: string[]): unknown {
    if (subcommand === 'load' && args.length === 1) return register(args[0]!)
    if (subcommand === 'exists' && args.length > 0) return args.map((sha) => (scripts.has(sha.toLowerCase()) ? 1 : 0))
    if (subcommand === 'flush') {
      scripts.clear()
      return 'OK'
    }
    throw new ReplyError(`ERR unknown subcommand '${subcommand ?? ''}' for SCRIPT (the Redis emulation supports LOAD, EXISTS and FLUSH)`)
  }

  async function item(command: RedisCommand): Promise<BackendItem> {
    try {
      return { ok: true, reply: await execute(command) }
    } catch (error) {
      return { ok: false, error: replyErrorMessage(error) }
    }
  }

  async function each(commands: RedisCommand[]): Promise<BackendItem[]> {
    const items: BackendItem[] = []
    for (const command of commands) items.push(await item(command))
    return items
  }

  return {
    description: 'in-process Redis emulation (ioredis-mock)',
    single: (command) => serially(() => item(command)),
    pipeline: (commands) => serially(() => each(commands)),
    transaction: (commands) =>
      serially(async (): Promise<TransactionResult> => {
        const refused = commands.map(unknownCommandError).filter((e): e is string => e !== null)
        if (refused.length > 0) return { aborted: `EXECABORT Transaction discarded because of previous errors. (${refused.join('; ')})` }
        return { items: await each(commands) }
      }),
    async close() {
      await serially(async () => {
        await mock.flushall()
        mock.disconnect()
      })
    },
  }
}

/** Redis's wording for an error thrown by ioredis-mock or by this module. */
function replyErrorMessage(error: unknown): string {
  const message = messageOf(error)
  if (message.startsWith('Unsupported command')) return `ERR unknown command (not supported by the Redis emulation): ${message}`
  const lua = /^Error trying to loading or executing lua code string in VM: (.*)$/s.exec(message)
  if (lua) return `ERR Error running script: ${lua[1]}`
  return /^[A-Z][A-Z_]+ /.test(message) ? message : `ERR ${message}`
}

/** A command's reply in RESP2 shapes (see the module comment). */
function toResp2(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value
  if (typeof value === 'number') return Number.isInteger(value) ? value : String(value)
  if (typeof value === 'boolean') return value ? 1 : 0
  if (Array.isArray(value)) return value.map(toResp2)
  if (typeof value === 'object') return Object.entries(value).flatMap(([field, v]) => [field, toResp2(v)])
  return String(value)
}

/** Redis's conversion of a Lua value: numbers truncate to integers, false is nil, true is 1. */
function fromLua(value: unknown): unknown {
  if (value === null || value === undefined || value === false) return null
  if (value === true) return 1
  if (typeof value === 'number') return Math.trunc(value)
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value
  if (Array.isArray(value)) return value.map(fromLua)
  // A table without an array part (fengari hands over a proxy): Redis replies with an empty array.
  return []
}
