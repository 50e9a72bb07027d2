/**
 * What the local Upstash-compatible gateway (server/gateway/gateway.ts) runs commands on: the
 * real Redis (gateway-ioredis-backend.ts) or the in-process emulation that `npm start` uses
 * when no Redis answers (gateway-emulated-backend.ts). The gateway owns HTTP, auth, body
 * parsing, script-flag compatibility and reply encoding; a backend only runs commands.
 *
 * Replies are raw, in RESP2 shapes: strings or Buffers for bulk/status replies, numbers for
 * integers, null for nil, (nested) arrays. Redis *reply* errors (`ERR …`, `WRONGTYPE …`,
 * `NOSCRIPT …`) come back as items; a backend that cannot reach its Redis at all throws
 * {@link UpstreamError}, which the gateway answers with 502.
 */
import type { RedisCommand } from './gateway-commands'

export type BackendItem = { ok: true; reply: unknown } | { ok: false; error: string }

/** A transaction Redis refused while queueing (EXECABORT), or the reply of every command. */
export type TransactionResult = { aborted: string } | { items: BackendItem[] }

export interface RedisBackend {
  /** For log lines: the Redis URL (password hidden) or `in-process Redis emulation`. */
  readonly description: string
  single(command: RedisCommand): Promise<BackendItem>
  pipeline(commands: RedisCommand[]): Promise<BackendItem[]>
  /** All commands as one MULTI/EXEC: no other request's command runs in between. */
  transaction(commands: RedisCommand[]): Promise<TransactionResult>
  close(): Promise<void>
}

/** The backend's Redis is unreachable (connection lost, Redis down): not a reply error. */
export class UpstreamError extends Error {
  override name = 'UpstreamError'
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
