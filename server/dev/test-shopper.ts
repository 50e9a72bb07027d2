/**
 * A shopper for integration tests: one cookie jar, tRPC calls over real HTTP against a
 * running store (superjson wire format, as the browser client sends it).
 */
import superjson from 'superjson'

export interface TrpcAnswer<T> {
  status: number
  headers: Headers
  data?: T
  error?: { message: string; code: string; appCode: string | null; details: unknown; retryAfterSeconds: number | null }
}

export class TestShopper {
  private cookies = new Map<string, string>()

  constructor(readonly baseUrl: string, readonly extraHeaders: Record<string, string> = {}) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value)
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq).trim()
      const value = pair!.slice(eq + 1).trim()
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  private async parse<T>(res: Response): Promise<TrpcAnswer<T>> {
    this.remember(res)
    const text = await res.text()
    let body: { result?: { data: unknown }; error?: unknown }
    try {
      body = JSON.parse(text) as typeof body
    } catch {
      return { status: res.status, headers: res.headers, error: { message: text, code: 'UNPARSEABLE', appCode: null, details: null, retryAfterSeconds: null } }
    }
    if (body.result) {
      return { status: res.status, headers: res.headers, data: superjson.deserialize(body.result.data as Parameters<typeof superjson.deserialize>[0]) as T }
    }
    const err = (superjson.deserialize(body.error as Parameters<typeof superjson.deserialize>[0]) ?? {
      message: text,
      data: { code: 'NOT_TRPC', appCode: null, details: null, retryAfterSeconds: null },
    }) as {
      message: string
      data: { code: string; appCode?: string | null; details?: unknown; retryAfterSeconds?: number | null }
    }
    return {
      status: res.status,
      headers: res.headers,
      error: {
        message: err.message,
        code: err.data.code,
        appCode: err.data.appCode ?? null,
        details: err.data.details ?? null,
        retryAfterSeconds: err.data.retryAfterSeconds ?? null,
      },
    }
  }

  private headers(json: boolean): Record<string, string> {
    return { ...(json ? { 'content-type': 'application/json' } : {}), cookie: this.cookieHeader(), ...this.extraHeaders }
  }

  async query<T>(path: string, input?: unknown): Promise<TrpcAnswer<T>> {
    const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`
    return this.parse<T>(await fetch(`${this.baseUrl}/api/trpc/${path}${qs}`, { headers: this.headers(false) }))
  }

  async mutate<T>(path: string, input?: unknown, rawBody?: string): Promise<TrpcAnswer<T>> {
    const body = rawBody ?? JSON.stringify(superjson.serialize(input ?? null))
    return this.parse<T>(await fetch(`${this.baseUrl}/api/trpc/${path}`, { method: 'POST', headers: this.headers(true), body }))
  }
}

/** An idempotency key as the browser makes one: a fresh random UUID per checkout attempt. */
export const newIdempotencyKey = () => crypto.randomUUID()

export const TEST_ADDRESS = { email: 'shopper@example.com', shippingName: 'Ada Shopper', shippingAddress: '1 Peak Street, Springfield' }
