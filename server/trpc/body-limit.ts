/**
 * Request-body cap for the tRPC endpoint. tRPC's fetch adapter has no size limit (only the
 * Node adapter has `maxBodySize`), so the route reads the body here first: over the limit
 * → 413 before any procedure runs; otherwise a Request carrying the buffered body.
 */
export const MAX_TRPC_BODY_BYTES = 64 * 1024

/**
 * The 413 answer's JSON, shaped like a tRPC error (superjson envelope) so clients show the
 * message as usual. The Next route and the API service (server/api) send the same bytes.
 */
export function tooLargeJson(): string {
  const message = `Request body is larger than ${MAX_TRPC_BODY_BYTES} bytes`
  return JSON.stringify({ error: { json: { message, code: -32600, data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413, appCode: null } } } })
}

function tooLarge(): Response {
  return new Response(tooLargeJson(), { status: 413, headers: { 'content-type': 'application/json' } })
}

export async function withBodyLimit(req: Request): Promise<Request | Response> {
  if (req.method === 'GET' || req.method === 'HEAD' || !req.body) return req
  const declared = Number(req.headers.get('content-length') ?? NaN)
  if (Number.isFinite(declared) && declared > MAX_TRPC_BODY_BYTES) return tooLarge()
  const reader = req.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_TRPC_BODY_BYTES) {
      await reader.cancel()
      return tooLarge()
    }
    chunks.push(value)
  }
  return new Request(req.url, { method: req.method, headers: req.headers, body: Buffer.concat(chunks) })
}
