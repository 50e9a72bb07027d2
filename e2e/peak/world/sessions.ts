import { fetch as undiciFetch } from 'undici'
import { sourceAgent } from '../load/source-addresses'
import { sessionAddress } from '../load/traffic'

/**
 * Shopper sessions for the HTTP load: one `cart.get` each, from the session's own address
 * (`sessionAddress(index)`, as the load later sends it), keeping the cookie the store sets.
 * Behind a real edge (`fromSourceAddresses`) the session's address is its connection's source
 * address (load/source-addresses.ts), as the load later connects.
 */
export async function createSessions(storeUrl: string, n: number, batch = 50, fromSourceAddresses = false): Promise<string[]> {
  const cookies: string[] = []
  for (let i = 0; i < n; i += batch) {
    const made = await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, async (_, j) => {
        const address = sessionAddress(i + j)
        const agent = fromSourceAddresses ? sourceAgent(address) : undefined
        const res = agent
          ? await undiciFetch(`${storeUrl}/api/trpc/cart.get`, { dispatcher: agent })
          : await fetch(`${storeUrl}/api/trpc/cart.get`, { headers: { 'x-forwarded-for': address } })
        await res.arrayBuffer()
        await agent?.close()
        const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
        if (res.status !== 200 || !cookie) throw new Error(`cart.get answered ${res.status} without a session cookie`)
        return cookie
      }),
    )
    cookies.push(...made)
  }
  return cookies
}
