/**
 * Delay before the next charge attempt: exponential backoff with "full jitter"
 * (uniform in [0, min(max, base·2^(attempt-1))]), which spreads a burst of failures that
 * happened together so their retries do not hit a recovering provider together.
 *
 * Hand-written because graphile-worker's built-in retry delay is exp(attempts) seconds with
 * no jitter and no cap we can set, and backoff libraries sleep in process, while ours must be
 * a `run_at` in the queue that survives a worker restart. It is one line of arithmetic.
 */
export interface BackoffPolicy {
  baseMs: number
  maxMs: number
}

export function retryDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1))
  return random() * ceiling
}
