/**
 * Redis reads option keywords case-insensitively (`set k v ex 100` = `SET k v EX 100`), and
 * the Upstash SDK sends them in lower case; ioredis-mock only recognises upper case, so
 * `set k v ex 100` would store the value *without* an expiry. This upper-cases the option
 * keywords of the commands the Upstash SDKs send with options, in option positions only
 * (never a key, a value, a member or the argument that follows a keyword such as MATCH).
 */
import type { RedisCommand } from './gateway-commands'

interface OptionSpec {
  /** Index of the first argument that may be an option. */
  from: number
  /** Keywords without a value. */
  flags?: readonly string[]
  /** Keywords followed by this many values. */
  withValues?: Readonly<Record<string, number>>
  /** Options stop at the first argument that is not one (ZADD: then come score/member pairs). */
  leadingOnly?: boolean
}

const EXPIRY = { EX: 1, PX: 1, EXAT: 1, PXAT: 1 }
const EXPIRE_FLAGS = ['NX', 'XX', 'GT', 'LT']
const SCAN = { MATCH: 1, COUNT: 1, TYPE: 1 }

const SPECS: Readonly<Record<string, OptionSpec>> = {
  set: { from: 2, flags: ['NX', 'XX', 'GET', 'KEEPTTL'], withValues: EXPIRY },
  getex: { from: 1, flags: ['PERSIST'], withValues: EXPIRY },
  expire: { from: 2, flags: EXPIRE_FLAGS },
  pexpire: { from: 2, flags: EXPIRE_FLAGS },
  expireat: { from: 2, flags: EXPIRE_FLAGS },
  pexpireat: { from: 2, flags: EXPIRE_FLAGS },
  zadd: { from: 1, flags: ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'], leadingOnly: true },
  zrange: { from: 3, flags: ['BYSCORE', 'BYLEX', 'REV', 'WITHSCORES'], withValues: { LIMIT: 2 } },
  zrangebyscore: { from: 3, flags: ['WITHSCORES'], withValues: { LIMIT: 2 } },
  zrevrangebyscore: { from: 3, flags: ['WITHSCORES'], withValues: { LIMIT: 2 } },
  zrevrange: { from: 3, flags: ['WITHSCORES'] },
  scan: { from: 1, withValues: SCAN },
  hscan: { from: 2, flags: ['NOVALUES'], withValues: SCAN },
  sscan: { from: 2, withValues: SCAN },
  zscan: { from: 2, withValues: SCAN },
}

export function withUpperCaseOptions(command: RedisCommand): RedisCommand {
  const spec = SPECS[command.name]
  if (!spec) return command
  const args = [...command.args]
  for (let i = spec.from; i < args.length; i++) {
    const word = args[i]!.toUpperCase()
    const values = spec.withValues?.[word]
    if (values !== undefined) {
      args[i] = word
      i += values
    } else if (spec.flags?.includes(word)) {
      args[i] = word
    } else if (spec.leadingOnly) {
      break
    }
  }
  return { ...command, args }
}
