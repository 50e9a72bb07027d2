/**
 * The fault proxy passes bytes through untouched, and adds the latency it is told to, in order.
 * Only lower bounds are asserted: the proxy guarantees them, however busy the machine is.
 */
import { expect, test } from '@playwright/test'
import { createConnection, createServer, type Socket } from 'node:net'
import { startTcpProxy } from '../../../testing/tcp-proxy'

async function echoServer(): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>()
  const server = createServer((s) => {
    sockets.add(s)
    s.on('data', (d) => s.write(d))
    s.on('error', () => {})
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      for (const s of sockets) s.destroy()
      server.close()
    },
  }
}

function roundTrip(socket: Socket, ...parts: string[]): Promise<{ reply: string; ms: number }> {
  const text = parts.join('')
  const t = performance.now()
  return new Promise((resolve) => {
    let reply = ''
    const onData = (d: Buffer) => {
      reply += d.toString()
      if (reply.length >= text.length) {
        socket.off('data', onData)
        resolve({ reply, ms: performance.now() - t })
      }
    }
    socket.on('data', onData)
    for (const part of parts) socket.write(part)
  })
}

test('bytes and order pass unchanged; while latency is set, a round trip takes at least twice that', async () => {
  const echo = await echoServer()
  const proxy = await startTcpProxy(echo.port)
  const socket = createConnection({ host: '127.0.0.1', port: proxy.port })
  await new Promise((r) => socket.once('connect', r))
  try {
    const fast = await roundTrip(socket, 'ping-1')
    expect(fast.reply).toBe('ping-1')

    proxy.setLatency(60)
    const slow = await roundTrip(socket, 'ping-2')
    expect(slow.reply).toBe('ping-2')
    expect(slow.ms).toBeGreaterThanOrEqual(115) // 60 ms each way

    // Two writes in a row come back in order, both delayed.
    const both = await roundTrip(socket, 'first|', 'second')
    expect(both.reply).toBe('first|second')

    proxy.setLatency(0)
    const again = await roundTrip(socket, 'ping-3')
    expect(again.reply).toBe('ping-3')
  } finally {
    socket.destroy()
    await proxy.close()
    echo.close()
  }
})
