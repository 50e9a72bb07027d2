/**
 * A TCP proxy under a test's control (the drill puts one between its gateway and its own Redis):
 * `setLatency(ms)` delays every chunk by `ms` in each direction (order kept), which is how
 * the fault drill makes Redis slow without touching Redis itself.
 *
 * Hand-written on node:net: the npm proxies are HTTP proxies, and fault-injection tools
 * (toxiproxy) are separate binaries that cannot be downloaded here; this needs forty lines.
 */
import { createConnection, createServer, type Socket } from 'node:net'

export interface TcpProxy {
  port: number
  setLatency(ms: number): void
  close(): Promise<void>
}

/** Forwards `from` → `to`, each chunk released `latency()` ms after it arrived, never before an earlier chunk. */
function forward(from: Socket, to: Socket, latency: () => number): void {
  let lastRelease = 0
  from.on('data', (chunk: Buffer) => {
    const delay = latency()
    if (delay <= 0 && lastRelease <= performance.now()) {
      to.write(chunk)
      return
    }
    const releaseAt = Math.max(performance.now() + delay, lastRelease)
    lastRelease = releaseAt
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk)
    }, releaseAt - performance.now())
  })
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  let latencyMs = 0
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = createConnection({ host: targetHost, port: targetPort })
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.setNoDelay(true)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {})
    }
    const closeBoth = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('close', closeBoth)
    upstream.on('close', closeBoth)
    forward(client, upstream, () => latencyMs)
    forward(upstream, client, () => latencyMs)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('proxy is not listening on TCP')
  return {
    port: address.port,
    setLatency(ms) {
      latencyMs = ms
    },
    close() {
      for (const s of sockets) s.destroy()
      return new Promise((r) => server.close(() => r()))
    },
  }
}
