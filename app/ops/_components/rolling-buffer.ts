/**
 * A client-side rolling history of a polled figure, for charts of figures the server keeps no
 * series of (the waiting room's live figures are a "now" over the last minute). Hand-written:
 * an array append and a trim; a ring-buffer library would not be smaller.
 */

/** Samples kept: five minutes at the dashboard's 2 s refresh, like the other charts. */
export const HISTORY_SAMPLES = 150

/**
 * `history` with `sample` appended (a new array), keeping the newest `max` samples; a sample
 * not newer than the last one (the same answer read twice) is dropped. `at` is ms since the epoch.
 */
export function appendSample<T extends { at: number }>(history: readonly T[], sample: T, max: number = HISTORY_SAMPLES): T[] {
  const last = history.at(-1)
  if (last && sample.at <= last.at) return history as T[]
  const next = [...history, sample]
  return next.length > max ? next.slice(next.length - max) : next
}
