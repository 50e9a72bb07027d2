import { sessionAddress } from '../load/traffic'

/**
 * Shopper sessions for the HTTP load: one `cart.get` each, from the session's own address
 * (`sessionAddress(index)`, as the load later sends it), keeping the cookie the store sets.
 */
export async function createSessions(storeUrl: string, n: number, batch = 50): Promise<string[]> {
  const cookies: string[] = []
  for (let i = 0; i < n; i += batch) {
    const made = await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, async (_, j) => {
        const res = await fetch(`${storeUrl}/api/trpc/cart.get`, { headers: { 'x-forwarded-for': sessionAddress(i + j) } })
        await res.arrayBuffer()
        const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
        if (res.status !== 200 || !cookie) throw new Error(`cart.get answered ${res.status} without a session cookie`)
        return cookie
      }),
    )
    cookies.push(...made)
  }
  return cookies
}
