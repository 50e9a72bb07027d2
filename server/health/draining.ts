/**
 * The process's readiness flag: serving, or draining after a stop signal. Once draining, the
 * readiness endpoint answers 503 at once (no checks), so load balancers and the edge stop
 * sending new requests while in-flight ones finish. There is no way back: a draining process
 * exits.
 *
 * The flag lives on `globalThis` under a registered symbol, not in a module variable: in the
 * web process the signal handler (server/web/web-main.ts, run by tsx) and the route handler
 * (bundled by Next) load this file as two different module instances, and both must see one
 * flag. The same trick keeps the pool and the Prisma client single (server/platform/db.ts).
 */
const DRAINING = Symbol.for('storefront.health.draining')
const state = globalThis as unknown as { [DRAINING]?: boolean }

/** Flips readiness to "draining" for the rest of the process's life (call it from the SIGTERM handler). */
export function startDraining(): void {
  state[DRAINING] = true
}

/** True once `startDraining()` was called in this process. */
export function isDraining(): boolean {
  return state[DRAINING] === true
}

/**
 * The longest any process may take, after SIGTERM, to finish what it is doing and exit: the
 * web server's forced exit (10 s, server/web/web-main.ts), the worker's (15 s,
 * server/orders/worker-main.ts), and the bound the drain wiring must keep to. The deploy recipes
 * give each pod more termination grace than its preStop pause plus this
 * (deploy/k8s/manifests.test.ts checks it).
 */
export const MAX_DRAIN_MS = 15_000
