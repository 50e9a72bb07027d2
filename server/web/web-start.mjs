/**
 * Starts the store's server (server/web/web-main.ts) with tsx's module hooks only for as long as
 * the TypeScript server loads: `node server/web/web-start.mjs [--dev]`.
 *
 * Why not `node --import tsx server/web/web-main.ts`: hooks registered that way stay for the
 * life of the process, and Node runs them on every `import()` and `require()` — Next's request
 * path does both on each request (it imports the page cache handler three times per request and
 * requires modules lazily). Measured on a cached product page: 14 % of the process's CPU per
 * request was module hooks (docs/PERFORMANCE.md, "One store's fixed cost per request"). Here the hooks are
 * registered through tsx's API, the server is loaded and started, and then the hooks are
 * removed; Next's own code is JavaScript, and the cache handler is erasable TypeScript that Node
 * loads natively (server/platform/next-cache-handler.ts), so nothing needs them afterwards.
 * `--dev` keeps them: `next dev` compiles and reloads as files change.
 *
 * Plain JavaScript: it runs before any hook exists.
 */
import { register } from 'tsx/esm/api'

const unregister = register()
const { started } = await import(new URL('./web-main.ts', import.meta.url).href)
await started
if (!process.argv.includes('--dev')) unregister()
