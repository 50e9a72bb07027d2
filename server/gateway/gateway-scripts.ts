/**
 * Lua-script compatibility of the local Upstash-compatible gateway (server/gateway/gateway.ts).
 *
 * Upstash accepts a script shebang flag that open-source Redis does not:
 * `#!lua flags=allow-key-locking`. Every script of @upstash/ratelimit 2.x starts with it,
 * and Redis 7 refuses them with `ERR Unexpected flag in script shebang: allow-key-locking`.
 * Scripts run atomically on Redis anyway, so the flag (a concurrency hint for Upstash's
 * engine) can be dropped without changing what a script does.
 *
 * Dropping it changes the script's SHA1, while clients call EVALSHA with the SHA1 of the
 * text *they* sent (@upstash/ratelimit ships those hashes as constants). So this module
 * keeps, per gateway, a map from the client's SHA1 to the SHA1 Redis knows, and
 * translates EVALSHA/EVALSHA_RO, SCRIPT EXISTS and the reply of SCRIPT LOAD. A client
 * that meets NOSCRIPT (after SCRIPT FLUSH or a gateway restart) falls back to EVAL,
 * which registers the mapping again, exactly as it would against Upstash.
 */
import { createHash } from 'node:crypto'
import type { RedisCommand } from './gateway-commands'

/** Shebang flags only Upstash understands; removed before a script reaches Redis. */
export const UPSTASH_ONLY_SCRIPT_FLAGS: ReadonlySet<string> = new Set(['allow-key-locking'])

/** Bound on remembered SHA1 pairs; the oldest is forgotten first (clients then re-EVAL). */
const MAX_REMEMBERED_SCRIPTS = 1_000

export interface AdaptedCommand {
  command: RedisCommand
  /** Turns Redis's reply into the reply the client expects. */
  mapReply(reply: unknown): unknown
}

const identity = (reply: unknown): unknown => reply

/**
 * Rewrites a `#!lua flags=…` first line without Upstash-only flags, or returns null when
 * the script needs no change. Other flags, and the line count, are kept.
 */
export function stripUpstashOnlyFlags(script: string): string | null {
  const newline = script.indexOf('\n')
  const firstLine = newline === -1 ? script : script.slice(0, newline)
  const match = /^#!lua(\s.*)?$/.exec(firstLine.replace(/\r$/, ''))
  if (!match) return null
  const words = (match[1] ?? '').trim().split(/\s+/).filter(Boolean)
  let changed = false
  const kept = words.map((word) => {
    if (!word.startsWith('flags=')) return word
    const flags = word.slice('flags='.length).split(',')
    const allowed = flags.filter((flag) => !UPSTASH_ONLY_SCRIPT_FLAGS.has(flag.trim()))
    if (allowed.length === flags.length) return word
    changed = true
    return allowed.length > 0 ? `flags=${allowed.join(',')}` : ''
  })
  if (!changed) return null
  const shebang = ['#!lua', ...kept.filter(Boolean)].join(' ')
  return newline === -1 ? shebang : shebang + script.slice(newline)
}

export function sha1Hex(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex')
}

export class ScriptCompat {
  /** Client SHA1 (of the script as sent) → SHA1 of the script Redis actually has. */
  private readonly redisShaOf = new Map<string, string>()

  adapt(command: RedisCommand): AdaptedCommand {
    const [first, ...rest] = command.args
    if (first === undefined) return { command, mapReply: identity }
    switch (command.name) {
      case 'eval':
      case 'eval_ro': {
        const script = this.rewrite(first)
        return { command: script === null ? command : { ...command, args: [script.redisScript, ...rest] }, mapReply: identity }
      }
      case 'evalsha':
      case 'evalsha_ro':
        return { command: { ...command, args: [this.redisSha(first), ...rest] }, mapReply: identity }
      case 'script':
        return this.adaptScriptSubcommand(command, first.toLowerCase(), rest)
      default:
        return { command, mapReply: identity }
    }
  }

  private adaptScriptSubcommand(command: RedisCommand, subcommand: string, rest: string[]): AdaptedCommand {
    const [source] = rest
    if (subcommand === 'load' && source !== undefined && rest.length === 1) {
      const script = this.rewrite(source)
      if (script === null) return { command, mapReply: identity }
      return {
        command: { ...command, args: [command.args[0] ?? 'LOAD', script.redisScript] },
        // Redis answers with the SHA1 of what it loaded; the client expects the SHA1 of what it sent.
        mapReply: (reply) => (replyText(reply) === script.redisSha ? script.clientSha : reply),
      }
    }
    if (subcommand === 'exists') {
      return { command: { ...command, args: [command.args[0] ?? 'EXISTS', ...rest.map((sha) => this.redisSha(sha))] }, mapReply: identity }
    }
    return { command, mapReply: identity }
  }

  private rewrite(script: string): { redisScript: string; clientSha: string; redisSha: string } | null {
    const redisScript = stripUpstashOnlyFlags(script)
    if (redisScript === null) return null
    const clientSha = sha1Hex(script)
    const redisSha = sha1Hex(redisScript)
    this.redisShaOf.delete(clientSha)
    this.redisShaOf.set(clientSha, redisSha)
    if (this.redisShaOf.size > MAX_REMEMBERED_SCRIPTS) {
      const oldest = this.redisShaOf.keys().next()
      if (!oldest.done) this.redisShaOf.delete(oldest.value)
    }
    return { redisScript, clientSha, redisSha }
  }

  private redisSha(clientSha: string): string {
    return this.redisShaOf.get(clientSha.toLowerCase()) ?? clientSha
  }
}

function replyText(reply: unknown): string | null {
  if (Buffer.isBuffer(reply)) return reply.toString('utf8')
  return typeof reply === 'string' ? reply : null
}
