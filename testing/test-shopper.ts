/**
 * A shopper for integration tests: one cookie jar, tRPC calls over real HTTP against a
 * running store (superjson wire format, as the browser client sends it).
 *
 * Each shopper is a client of its own: it sends a random X-Forwarded-For address, which a
 * store behind the simulated edge (BEHIND_LOCAL_EDGE, the Vitest store) honours because the
 * connection comes from 127.0.0.1, and any other store ignores. `localAddress` makes the
 * connection come from elsewhere on the loopback network (127.0.0.2…): a direct client, not
 * the edge.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import superjson from 'superjson'
import { Agent, fetch as undiciFetch } from 'undici'
import type { PlacedOrderAnswer, PlaceOrderOutput } from '../server/checkout/checkout.schema'
import { POLL_MARGIN_MS, type PollTicketOutput } from '../server/waiting-room/waiting-room.schema'
import { simulatedClientAddress } from './test-store'

/** Polls a line-following checkout makes at most before it gives up (each waits pollAfterSeconds, 1-20 s). */
export const MAX_LINE_POLLS = 60

export interface ShopperOptions {
  /** X-Forwarded-For to send (default: a random 10.x.y.z); null sends none. */
  clientAddress?: string | null
  /** Connect from this local address (127.0.0.2, …) instead of 127.0.0.1. */
  localAddress?: string
}

export interface TrpcAnswer<T> {
  status: number
  headers: Headers
  data?: T
  error?: { message: string; code: string; appCode: string | null; details: unknown; retryAfterSeconds: number | null }
}

export class TestShopper {
  private cookies = new Map<string, string>()
  readonly clientAddress: string | null
  private readonly agent: Agent | undefined

  constructor(
    readonly baseUrl: string,
    readonly extraHeaders: Record<string, string> = {},
    opts: ShopperOptions = {},
  ) {
    this.clientAddress = opts.clientAddress === undefined ? simulatedClientAddress() : opts.clientAddress
    this.agent = opts.localAddress ? new Agent({ localAddress: opts.localAddress }) : undefined
  }

  /** fetch from this shopper's connection (its local address, if it has one). */
  fetch(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
    if (!this.agent) return fetch(url, init)
    return undiciFetch(url, { ...init, dispatcher: this.agent }) as unknown as Promise<Response>
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name)
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

  headers(json = false): Record<string, string> {
    return {
      ...(json ? { 'content-type': 'application/json' } : {}),
      ...(this.clientAddress ? { 'x-forwarded-for': this.clientAddress } : {}),
      cookie: this.cookieHeader(),
      ...this.extraHeaders,
    }
  }

  async query<T>(path: string, input?: unknown): Promise<TrpcAnswer<T>> {
    const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`
    return this.parse<T>(await this.fetch(`${this.baseUrl}/api/trpc/${path}${qs}`, { headers: this.headers(false) }))
  }

  async mutate<T>(path: string, input?: unknown, rawBody?: string): Promise<TrpcAnswer<T>> {
    const body = rawBody ?? JSON.stringify(superjson.serialize(input ?? null))
    return this.parse<T>(await this.fetch(`${this.baseUrl}/api/trpc/${path}`, { method: 'POST', headers: this.headers(true), body }))
  }

  /**
   * Several queries in one HTTP request, as httpBatchLink sends them (`?batch=1`). Returns the
   * request's status and each call's own status (tRPC answers 207 when they differ).
   */
  async queryBatch(calls: Array<[path: string, input?: unknown]>): Promise<{ status: number; calls: number[] }> {
    const inputs = Object.fromEntries(calls.map(([, input], i) => [i, input === undefined ? {} : superjson.serialize(input)]))
    const withInput = calls.some(([, input]) => input !== undefined)
    const url = `${this.baseUrl}/api/trpc/${calls.map(([path]) => path).join(',')}?batch=1${withInput ? `&input=${encodeURIComponent(JSON.stringify(inputs))}` : ''}`
    const res = await this.fetch(url, { headers: this.headers(false) })
    const text = await res.text()
    let body: unknown = null
    try {
      body = JSON.parse(text)
    } catch {
      // not tRPC's answer (e.g. 431 from Node for an over-long URL): no per-call statuses
    }
    const statusOf = (item: unknown) => {
      const error = (item as { error?: { json?: { data?: { httpStatus?: number } } } }).error
      return error ? (error.json?.data?.httpStatus ?? 500) : 200
    }
    return { status: res.status, calls: Array.isArray(body) ? body.map(statusOf) : [] }
  }

  /**
   * checkout.placeOrder as a shopper's browser does it: when the waiting room answers QUEUED,
   * poll as told (pollAfterSeconds) until ADMITTED, then send the same call again with the
   * admission ticket. A sellout while waiting sends the call once more without the ticket, so
   * the answer is checkout's own 409 SOLD_OUT. Any other answer is returned as is.
   */
  async placeOrder(input: Record<string, unknown>): Promise<TrpcAnswer<PlacedOrderAnswer>> {
    const first = await this.mutate<PlaceOrderOutput>('checkout.placeOrder', input)
    if (first.data?.status !== 'QUEUED') return first as TrpcAnswer<PlacedOrderAnswer>
    const { ticket } = first.data
    let wait = first.data.pollAfterSeconds
    for (let i = 0; i < MAX_LINE_POLLS; i++) {
      await sleep(wait * 1000 + POLL_MARGIN_MS)
      const polled = await this.query<PollTicketOutput>('checkout.pollTicket', { ticket })
      if (!polled.data) return polled as TrpcAnswer<never>
      if (polled.data.state === 'WAITING') {
        wait = polled.data.pollAfterSeconds
        continue
      }
      const again = polled.data.state === 'ADMITTED' ? { ...input, admissionTicket: ticket } : input
      return (await this.mutate<PlaceOrderOutput>('checkout.placeOrder', again)) as TrpcAnswer<PlacedOrderAnswer>
    }
    throw new Error(`still waiting in line after ${MAX_LINE_POLLS} polls`)
  }

  /** Closes this shopper's own connection pool (only with `localAddress`). */
  async close(): Promise<void> {
    await this.agent?.close()
  }
}

/** An idempotency key as the browser makes one: a fresh random UUID per checkout attempt. */
export const newIdempotencyKey = () => crypto.randomUUID()

export const TEST_ADDRESS = { email: 'shopper@example.com', shippingName: 'Ada Shopper', shippingAddress: '1 Peak Street, Springfield' }
