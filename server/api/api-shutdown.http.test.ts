/**
 * SIGTERM on an API service process: it stops accepting connections once its announce window
 * (DRAIN_ANNOUNCE_MS, readiness failing while it still serves) is over, the request it
 * is in the middle of still gets its full answer (told to close the connection), and the
 * process then exits 0 by itself.
 */
import { request } from 'node:http'
import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { currentStoreEnv } from '../../testing/test-store'
import { createProduct } from '../../testing/checkout-fixtures'
import { startApiService } from '../../testing/api-service'

/** Resolves true when a TCP connection to `port` is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })
}

describe('API service: graceful stop', () => {
  it('finishes the request in flight, refuses new connections, exits 0', async () => {
    const productId = await createProduct({ stock: 10 })
    const api = await startApiService('auto', currentStoreEnv())
    const port = Number(new URL(api.url).port)
    const exited = new Promise<number | null>((r) => api.process.once('exit', (code) => r(code)))
    const body = JSON.stringify({ json: { productId, quantity: 1 } })
    const half = Math.floor(body.length / 2)

    // A request the server has accepted (it answered 100 Continue), whose body is still coming.
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/trpc/cart.add',
      headers: { 'content-type': 'application/json', 'content-length': String(body.length), expect: '100-continue' },
    })
    const answer = new Promise<{ status: number; connection: string | undefined; text: string }>((resolve, reject) => {
      req.once('response', (res) => {
        let text = ''
        res.on('data', (d: Buffer) => (text += d.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }))
      })
      req.once('error', reject)
    })
    await new Promise<void>((resolve) => req.once('continue', () => resolve()))
    req.write(body.slice(0, half))

    api.process.kill('SIGTERM')
    // New connections are refused while the old request is still open.
    let isRefused = false
    while (!isRefused && api.process.exitCode === null) isRefused = await refused(port)
    expect(isRefused).toBe(true)

    req.end(body.slice(half))
    const got = await answer
    expect(got.status).toBe(200)
    expect(got.connection).toBe('close')
    expect(JSON.parse(got.text)).toMatchObject({ result: { data: { json: { lines: [{ productId, quantity: 1 }] } } } })
    expect(await exited).toBe(0)
  })
})
