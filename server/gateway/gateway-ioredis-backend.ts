/**
 * The gateway's backend on a real Redis, through one ioredis connection opened at start-up.
 *
 * `single` and `pipeline` commands are simply interleaved on it (Redis answers in order), and
 * `transaction` uses ioredis `multi()`, which writes MULTI, the commands and EXEC as one
 * contiguous batch, so no other request's command can land inside the transaction. Nothing
 * is created per request.
 *
 * The connection speaks RESP2 (ioredis 6 defaults to RESP3) and bypasses ioredis's reply
 * transformers (which would turn HGETALL into an object), so replies have exactly the
 * shapes Upstash returns. Unanswered commands are not re-sent after a reconnect: a
 * replayed INCR would apply twice.
 */
import { Command, Pipeline, Redis } from 'ioredis'
import { UpstreamError, messageOf, type BackendItem, type RedisBackend, type TransactionResult } from './gateway-backend'
import type { RedisCommand } from './gateway-commands'
import { isRedisReplyError } from './gateway-encoding'
import { redactUrl } from '../platform/redact-url'

/** A command whose reply is passed through untouched: Buffers, numbers, null and arrays as Redis sent them. */
class RawReplyCommand extends Command {
  constructor(command: RedisCommand) {
    super(command.name, command.args, { replyEncoding: null })
  }

  override transformReply(result: Buffer | Buffer[]): Buffer | Buffer[] {
    return result
  }
}

/** Connects to `redisUrl` (rejecting with a clear message when it cannot) and returns the backend. */
export async function connectIoredisBackend(redisUrl: string, log: (msg: string) => void): Promise<RedisBackend> {
  const redis = new Redis(redisUrl, {
    protocol: 2,
    lazyConnect: true,
    connectionName: 'upstash-gateway',
    enableAutoPipelining: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 2,
  })
  let lastError = ''
  redis.on('error', (error: Error) => {
    // ioredis repeats the same error on every reconnect attempt; log each distinct one once.
    if (error.message !== lastError) log(`redis error: ${error.message}`)
    lastError = error.message
  })
  redis.on('ready', () => {
    lastError = ''
  })
  try {
    await redis.connect()
  } catch (error) {
    redis.disconnect()
    throw new Error(`gateway: cannot connect to Redis at ${redactUrl(redisUrl)}: ${messageOf(error)}`)
  }

  return {
    description: redactUrl(redisUrl),
    async single(command) {
      const raw = new RawReplyCommand(command)
      void redis.sendCommand(raw)
      try {
        return { ok: true, reply: await raw.promise }
      } catch (error) {
        return itemError(error)
      }
    },
    async pipeline(commands) {
      const pipeline = new Pipeline(redis)
      for (const command of commands) pipeline.sendCommand(new RawReplyCommand(command))
      let results: [Error | null, unknown][] | null
      try {
        results = await pipeline.exec()
      } catch (error) {
        throw new UpstreamError(messageOf(error))
      }
      return toItems(results, commands.length)
    },
    async transaction(commands): Promise<TransactionResult> {
      const transaction = redis.multi()
      if (!(transaction instanceof Pipeline)) throw new Error('ioredis multi() did not return a Pipeline')
      for (const command of commands) transaction.sendCommand(new RawReplyCommand(command))
      let results: [Error | null, unknown][] | null
      try {
        results = await transaction.exec()
      } catch (error) {
        if (!isRedisReplyError(error)) throw new UpstreamError(messageOf(error))
        // EXECABORT: Redis refused a command while queueing and discarded the transaction.
        const causes = previousErrorsOf(error)
        return { aborted: `${error.message}${causes.length > 0 ? ` (${causes.join('; ')})` : ''}` }
      }
      if (results === null) return { aborted: 'EXECABORT Transaction aborted' }
      return { items: toItems(results, commands.length) }
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect())
    },
  }
}

function toItems(results: [Error | null, unknown][] | null, expected: number): BackendItem[] {
  if (results === null || results.length !== expected) {
    throw new UpstreamError(`expected ${expected} replies, got ${results?.length ?? 'none'}`)
  }
  return results.map(([error, reply]) => (error ? itemError(error) : { ok: true, reply }))
}

/** A Redis reply error becomes an error item; anything else means Redis is unreachable. */
function itemError(error: unknown): BackendItem {
  if (isRedisReplyError(error)) return { ok: false, error: error.message }
  throw new UpstreamError(messageOf(error))
}

function previousErrorsOf(error: Error): string[] {
  const previous: unknown = Reflect.get(error, 'previousErrors')
  if (!Array.isArray(previous)) return []
  return previous.filter((item: unknown): item is Error => item instanceof Error).map((item) => item.message.trim())
}
