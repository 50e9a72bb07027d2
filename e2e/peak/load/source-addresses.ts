/**
 * Simulated shoppers behind a real edge: the edge takes the client address from the TCP peer
 * (deploy/edge/storefront.vcl sets X-Client-IP from client.ip, whatever the client sends), so
 * a load generator on one address is one client to every per-address limit. Instead of a trust
 * hole in the edge, each simulated client connects from an address of its own on the loopback
 * network (all of 127.0.0.0/8 is local on Linux): the client address the traffic planner
 * chose (its X-Forwarded-For, 10.x.y.z) is mapped to one of SOURCE_ADDRESS_COUNT loopback
 * addresses, and requests go out through one small undici Pool per source address.
 *
 * 256 source addresses spread the drill's shoppers like shared office or campus addresses:
 * at the quick hold (150 arrivals/s) each address sends under 1 request/s, far inside the
 * per-address limits (browse 600 / 10 s, checkout 120 / min).
 */
import { Agent, Pool } from 'undici'

/** Loopback addresses the load connects from (127.77.0.1 … 127.77.1.0). */
export const SOURCE_ADDRESS_COUNT = 256
/** The most source addresses sourceAddressFor hands out (127.77.0.1 … 127.77.255.255). */
export const MAX_SOURCE_ADDRESSES = 65_535
/** Connections each source address keeps to the edge. */
export const CONNECTIONS_PER_SOURCE = 4

/** The loopback address simulated client `clientAddress` (any string) connects from: stable, spread by a hash. */
export function sourceAddressFor(clientAddress: string, count = SOURCE_ADDRESS_COUNT): string {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SOURCE_ADDRESSES) throw new RangeError(`count must be 1-${MAX_SOURCE_ADDRESSES}`)
  let hash = 2166136261
  for (let i = 0; i < clientAddress.length; i++) hash = Math.imul(hash ^ clientAddress.charCodeAt(i), 16777619)
  const n = ((hash >>> 0) % count) + 1
  return `127.77.${n >> 8}.${n & 255}`
}

export interface SourcePools {
  /** The pool for a request from `clientAddress`. */
  poolFor(clientAddress: string): Pool
  close(): Promise<void>
}

/** One Pool per source address, made on first use. */
export function sourcePools(origin: string, opts: { requestTimeoutMs: number }): SourcePools {
  const pools = new Map<string, Pool>()
  return {
    poolFor(clientAddress) {
      const local = sourceAddressFor(clientAddress)
      let pool = pools.get(local)
      if (!pool) {
        pool = new Pool(origin, {
          connections: CONNECTIONS_PER_SOURCE,
          pipelining: 1,
          headersTimeout: opts.requestTimeoutMs,
          bodyTimeout: opts.requestTimeoutMs,
          localAddress: local,
        })
        pools.set(local, pool)
      }
      return pool
    },
    async close() {
      await Promise.all([...pools.values()].map((p) => p.close()))
    },
  }
}

/** An undici Agent connecting from `clientAddress`'s source address (for one-off requests: session creation). */
export function sourceAgent(clientAddress: string): Agent {
  return new Agent({ localAddress: sourceAddressFor(clientAddress) })
}
