/**
 * How a degradable widget calls the server: outside the shared batch (so it never delays the
 * page's own calls) and with a deadline, after which the request is aborted and the widget
 * gives up. The deadline is longer than the 5 s slow-reviews drill on purpose: a slow widget
 * still arrives, a hung one never holds a connection for long.
 */
export const WIDGET_TIMEOUT_MS = 10_000

export function widgetRequestOptions(signal: AbortSignal) {
  return { signal: AbortSignal.any([signal, AbortSignal.timeout(WIDGET_TIMEOUT_MS)]), context: { skipBatch: true } }
}
