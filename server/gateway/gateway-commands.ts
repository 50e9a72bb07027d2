/**
 * Request-body validation for the local Upstash-compatible gateway (server/gateway/gateway.ts):
 * turns the JSON of `POST /` (one command) or `POST /pipeline` / `POST /multi-exec`
 * (an array of commands) into Redis commands, or into a clear `ERR …` message.
 *
 * A command is a non-empty JSON array whose first element is the command name (a string)
 * and whose other elements are strings or finite numbers. Numbers are sent to Redis as
 * their decimal strings, as Upstash does. Booleans, null, objects and nested arrays are
 * rejected: Redis has no such argument types and guessing a conversion hides bugs.
 *
 * ## Commands the gateway refuses
 *
 * Every request shares one Redis connection (see gateway.ts). A command that changes
 * that connection's state, or holds it, would affect every other request in flight:
 *
 * - SUBSCRIBE and friends, MONITOR, SYNC/PSYNC turn the connection into a push stream
 *   that never answers another command;
 * - BLPOP/BRPOP/BLMOVE/BZPOPMIN/… , WAIT/WAITAOF and XREAD/XREADGROUP with BLOCK park
 *   the connection, so every later request queues behind them;
 * - SELECT, HELLO, AUTH, CLIENT (REPLY OFF, SETNAME, …), RESET and QUIT change or close
 *   the connection for everyone;
 * - MULTI/EXEC/DISCARD/WATCH/UNWATCH sent one by one would interleave with other
 *   requests' commands; transactions go through `POST /multi-exec` instead;
 * - SHUTDOWN and DEBUG (DEBUG SLEEP) stop or stall the Redis every developer shares.
 *
 * Upstash itself refuses most of these over REST (it serves SUBSCRIBE as a stream on a
 * separate path, which this gateway does not implement).
 */

export interface RedisCommand {
  /** Lower-cased command name, e.g. `set`. */
  name: string
  /** Arguments as Redis receives them. */
  args: string[]
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string }

const PIN_REASON = 'it would block the connection that all gateway requests share'
const SUBSCRIBER_REASON = 'it turns the shared connection into a push stream (subscriptions are not supported here)'
const STATE_REASON = 'it changes the state of the connection that all gateway requests share'
const TX_REASON = 'send transactions to POST /multi-exec instead'
const SERVER_REASON = 'it stops or stalls the shared Redis server'

/** Command name (lower case) → why the gateway refuses it. */
export const BLOCKED_COMMANDS: ReadonlyMap<string, string> = new Map<string, string>([
  ...['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe'].map(
    (name): [string, string] => [name, SUBSCRIBER_REASON],
  ),
  ['monitor', SUBSCRIBER_REASON],
  ['sync', SUBSCRIBER_REASON],
  ['psync', SUBSCRIBER_REASON],
  ...['blpop', 'brpop', 'brpoplpush', 'blmove', 'blmpop', 'bzpopmin', 'bzpopmax', 'bzmpop', 'wait', 'waitaof'].map(
    (name): [string, string] => [name, PIN_REASON],
  ),
  ...['select', 'hello', 'auth', 'client', 'reset', 'quit'].map((name): [string, string] => [name, STATE_REASON]),
  ...['multi', 'exec', 'discard', 'watch', 'unwatch'].map((name): [string, string] => [name, TX_REASON]),
  ['shutdown', SERVER_REASON],
  ['debug', SERVER_REASON],
])

/** Why `command` may not run through the gateway, or null when it may. */
export function refusalReason(command: RedisCommand): string | null {
  const reason = BLOCKED_COMMANDS.get(command.name)
  if (reason) return reason
  if ((command.name === 'xread' || command.name === 'xreadgroup') && hasBlockOption(command.args)) return PIN_REASON
  return null
}

/** XREAD/XREADGROUP options come before the STREAMS keyword; a key named "block" after it is fine. */
function hasBlockOption(args: readonly string[]): boolean {
  for (const arg of args) {
    const word = arg.toUpperCase()
    if (word === 'STREAMS') return false
    if (word === 'BLOCK') return true
  }
  return false
}

/** Parses a request body as UTF-8 JSON. */
export function parseJsonBody(body: Buffer): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) }
  } catch {
    return { ok: false, error: 'ERR failed to parse command: the request body is not valid JSON' }
  }
}

/** One command, e.g. `["set", "k", "v", "EX", 100]`, checked against the refusal list. */
export function parseCommand(value: unknown): Parsed<RedisCommand> {
  const parsed = toCommand(value)
  if (!parsed.ok) return { ok: false, error: `ERR failed to parse command: ${parsed.error}` }
  const reason = refusalReason(parsed.value)
  if (reason) return { ok: false, error: refusalMessage(parsed.value.name, reason) }
  return parsed
}

/** A non-empty array of commands, for /pipeline and /multi-exec. Any bad command rejects the whole batch. */
export function parseCommandList(value: unknown): Parsed<RedisCommand[]> {
  if (!Array.isArray(value)) {
    return { ok: false, error: 'ERR failed to parse pipeline: the body must be a JSON array of commands' }
  }
  if (value.length === 0) return { ok: false, error: 'ERR failed to parse pipeline: the body is an empty array' }
  const commands: RedisCommand[] = []
  for (const [index, item] of value.entries()) {
    const parsed = toCommand(item)
    if (!parsed.ok) return { ok: false, error: `ERR failed to parse pipeline command ${index + 1}: ${parsed.error}` }
    const reason = refusalReason(parsed.value)
    if (reason) return { ok: false, error: `${refusalMessage(parsed.value.name, reason)} (pipeline command ${index + 1})` }
    commands.push(parsed.value)
  }
  return { ok: true, value: commands }
}

function refusalMessage(name: string, reason: string): string {
  return `ERR command '${name.toUpperCase()}' is not allowed by the local Upstash gateway: ${reason}`
}

function toCommand(value: unknown): Parsed<RedisCommand> {
  if (!Array.isArray(value)) return { ok: false, error: 'a command must be a JSON array like ["get","key"]' }
  const [head, ...rest] = value as unknown[]
  if (head === undefined) return { ok: false, error: 'the command is an empty array' }
  if (typeof head !== 'string' || head.length === 0) {
    return { ok: false, error: 'the command name (element 1) must be a non-empty string' }
  }
  const args: string[] = []
  for (const [index, arg] of rest.entries()) {
    if (typeof arg === 'string') args.push(arg)
    else if (typeof arg === 'number' && Number.isFinite(arg)) args.push(String(arg))
    else return { ok: false, error: `element ${index + 2} must be a string or a number, got ${describe(arg)}` }
  }
  return { ok: true, value: { name: head.toLowerCase(), args } }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : typeof value
}
