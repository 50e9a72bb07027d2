import { indexedClientAddress } from '../testing/test-store'

/**
 * `n` shopper sessions for the benches: one `cart.get` each, sent from simulated shopper `k`'s
 * own address (`indexedClientAddress(k)`; the bench stores sit behind BEHIND_LOCAL_EDGE), 100 at
 * a time. Returns the `Cookie` header value of each session, in order.
 * @throws Error when the store answers without a session cookie.
 */
export async function createSessions(storeUrl: string, n: number): Promise<string[]> {
  const cookies: string[] = []
  for (let i = 0; i < n; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, async (_, j) => {
        const res = await fetch(`${storeUrl}/api/trpc/cart.get`, { headers: { 'x-forwarded-for': indexedClientAddress(i + j) } })
        await res.arrayBuffer()
        const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
        if (!cookie) throw new Error(`cart.get answered ${res.status} without a session cookie`)
        return cookie
      }),
    )
    cookies.push(...batch)
  }
  return cookies
}
