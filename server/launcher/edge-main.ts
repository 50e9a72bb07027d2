/**
 * `npm run edge -- --port 8080 --web 127.0.0.1:3000[,host:port…] [--api host:port,…] [--purgers 127.0.0.1,10.0.0.0/8]`:
 * runs the edge (server/launcher/varnish-process.ts) in front of processes that are already
 * running, prints where it listens and what the stores behind it need, and stops on Ctrl-C.
 * A fleet command calls `startEdge` itself; this is the same thing by hand.
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { behindEdgeEnv, startEdge } from './varnish-process'

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'host:port')
  .transform((s) => {
    const at = s.lastIndexOf(':')
    return { host: s.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(s.slice(at + 1)) }
  })
const list = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .default('')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item))

const args = z.object({
  port: z.coerce.number().int().min(1).max(65_535),
  host: z.string().default('127.0.0.1'),
  web: list(hostPort).refine((backends) => backends.length > 0, '--web needs at least one host:port'),
  api: list(hostPort),
  purgers: list(z.string()),
})

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, host: { type: 'string' }, web: { type: 'string' }, api: { type: 'string' }, purgers: { type: 'string' } },
  })
  const parsed = args.safeParse(values)
  if (!parsed.success) {
    console.error(`npm run edge: ${z.prettifyError(parsed.error)}\nusage: npm run edge -- --port 8080 --web 127.0.0.1:3000 [--api 127.0.0.1:4000] [--purgers 127.0.0.1]`)
    process.exit(2)
  }
  const { purgers, ...rest } = parsed.data
  const edge = await startEdge({ ...rest, ...(purgers.length ? { purgers } : {}) })
  const trust = Object.entries(behindEdgeEnv())
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')
  console.log(`▲ edge listening on ${edge.url} (web: ${rest.web.map((b) => `${b.host}:${b.port}`).join(', ')}; api: ${rest.api.length ? rest.api.map((b) => `${b.host}:${b.port}`).join(', ') : 'none, /api/trpc goes to web'})`)
  console.log(`  the stores behind it need: ${trust} EDGE_PURGE_URLS=${edge.url}`)
  let stopping = false
  const stop = () => {
    stopping = true
    void edge.stop().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  edge.process.once('exit', (code) => {
    if (stopping) return
    console.error(`varnishd exited (${code})`)
    process.exit(1)
  })
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(1)
})
