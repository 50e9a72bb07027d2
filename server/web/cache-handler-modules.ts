/**
 * Hands Next's page cache handler (server/platform/next-cache-handler.ts) the three project
 * modules it needs, already loaded by this process, before Next starts. Without them the handler
 * loads each through tsx's `tsImport`, which registers module hooks for the rest of the process;
 * Next imports the handler several times per request, so every request then ran every hook.
 * Measured on a cached product page: 3.1 ms of CPU per request, 15 % of it in module hooks
 * (docs/PERFORMANCE.md, "One store's fixed cost per request").
 *
 * The symbol's name is written out in the handler too: it imports no extensionless project module.
 */
import type { HandlerModules } from '../platform/next-cache-handler'
import * as scriptHashes from '../platform/script-hashes'
import * as surrogateKeys from '../platform/surrogate-keys'
import * as tagLog from '../platform/tag-log'

const PRELOADED = Symbol.for('storefront.cacheHandlerModules')

/** Call before Next's server is created (the handler reads them when Next first imports it). */
export function provideCacheHandlerModules(): void {
  ;(globalThis as unknown as Record<symbol, unknown>)[PRELOADED] = { tagLog, scriptHashes, surrogateKeys } satisfies HandlerModules
}
