/**
 * The page twin's server, run as a process of its own by bench/page-vs-node.ts so that the
 * baseline, like every contender, has its own event loop instead of sharing the load
 * generator's: `tsx page-twin-server.ts <answer.json>` serves the recorded answer (status 200,
 * its headers and its base64 body) on 127.0.0.1 at a free port, prints `{"port": n}` on stdout
 * and runs until it is signalled. Plain node:http on purpose: it is the baseline, the least
 * work a Node server can do per request.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'

export interface RecordedAnswer {
  headers: Record<string, string | string[]>
  bodyBase64: string
}

const [answerFile] = process.argv.slice(2)
if (!answerFile) throw new Error('usage: page-twin-server.ts <answer.json>')
const answer = JSON.parse(readFileSync(answerFile, 'utf8')) as RecordedAnswer
const body = Buffer.from(answer.bodyBase64, 'base64')
const server = createServer((_req, res) => {
  res.writeHead(200, answer.headers)
  res.end(body)
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('page twin is not listening on TCP')
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`)
})
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => server.close(() => process.exit(0)))
