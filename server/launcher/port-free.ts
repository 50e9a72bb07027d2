import { createServer } from 'node:net'

/** Resolves when `host:port` can be bound; rejects with a message naming the variable to change. */
export async function assertPortFree(host: string, port: number, variable: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `${host}:${port} is already in use (another store running?). Stop it or set ${variable} to a free port.`
            : `cannot listen on ${host}:${port}: ${err.message}`,
        ),
      ),
    )
    probe.listen(port, host, () => probe.close(() => resolve()))
  })
}

/** A port the OS says is free right now on 127.0.0.1 (for test servers that need a fixed -p). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}
