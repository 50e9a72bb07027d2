import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * Starts `server` listening on `host:port` (port 0 picks a free port) and resolves with its base
 * URL, `http://host:port` (an IPv6 host in brackets), once it listens.
 * @throws the server's `error` event (e.g. EADDRINUSE) as a rejection.
 */
export async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const bound = (server.address() as AddressInfo).port
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`
}
