/**
 * Next.js calls `register()` once when a server instance starts. It starts the ops
 * dashboard's in-process measurements (server/ops/start-instrumentation.ts) in the Node.js
 * runtime only; Next also compiles this file for the Edge runtime, where the import is
 * dropped at build time.
 */
export async function register(): Promise<void> {
  // NEXT_RUNTIME is inlined by Next at build time (that is what drops the Edge branch), so it
  // must be read here, literally, not through server/env.ts.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const { startOpsInstrumentation } = await import('./server/ops/start-instrumentation')
  startOpsInstrumentation()
}
