/**
 * A real edge in front of a real test store, for the edge tests and the bench: varnishd on a
 * free port (server/launcher/varnish-process.ts) with the store as its web pool, and the store
 * configured as it runs behind an edge in production: it trusts the edge's client-address
 * header from 127.0.0.1 only (the edge's side of the loopback), and purges the edge on every
 * tag invalidation (EDGE_PURGE_URLS).
 *
 * Shoppers must reach the edge from another loopback address (127.0.0.2 …, TestShopper's
 * `localAddress`), so that 127.0.0.1 stays the edge's own address as the store sees it.
 */
import { freePort } from '../server/launcher/port-free'
import { startStore, type RunningStore, type StoreEnv } from './test-store'
import { behindEdgeEnv, startEdge, type RunningEdge } from '../server/launcher/varnish-process'

export interface StoreBehindEdge {
  edge: RunningEdge
  store: RunningStore
  /** Stops the edge, then the store (each only if still running). */
  stop(): Promise<void>
}

/** Starts a store with `storeEnv` (plus the edge trust and purge settings) and an edge in front of it. */
export async function startStoreBehindEdge(storeEnv: StoreEnv): Promise<StoreBehindEdge> {
  const edgePort = await freePort()
  const store = await startStore('auto', {
    ...storeEnv,
    extra: { ...storeEnv.extra, ...behindEdgeEnv('127.0.0.1'), EDGE_PURGE_URLS: `http://127.0.0.1:${edgePort}` },
  })
  let edge: RunningEdge
  try {
    edge = await startEdge({ port: edgePort, web: [{ host: '127.0.0.1', port: Number(new URL(store.url).port) }] })
  } catch (error) {
    await store.stop()
    throw error
  }
  return {
    edge,
    store,
    async stop() {
      await edge.stop()
      await store.stop()
    },
  }
}
