/**
 * The most calls one tRPC HTTP request may carry (tRPC's `maxBatchSize`: a larger batch is
 * refused with 400 before any call runs). Our pages batch fewer than ten calls; the browser
 * client never sends more than this (`maxItems`). What bounds the *work* of a batch is that
 * every call in it counts against the rate limits on its own (server/platform/ratelimit.ts),
 * exactly as if it had come alone: 150 uncached searches in one request meet the `search`
 * limit at the 61st. Imported by the browser client, so: no server imports here.
 */
export const MAX_TRPC_BATCH_CALLS = 200
