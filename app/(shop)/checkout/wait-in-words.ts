/**
 * An estimated wait in words a shopper reads at a glance ("about 2 minutes"), from the
 * server's estimate in seconds (position ÷ admission rate, rounded up). Estimates are rough,
 * so they are rounded, never shown to the second. Units are formatted by Intl.NumberFormat
 * (plural rules included); only the thresholds are ours.
 */

/** Below this the wait reads "a few seconds". */
const FEW_SECONDS = 15
const MINUTE = 60
const HOUR = 3_600
/** From this many minutes up, the wait is given in hours. */
const HOURS_FROM_MINUTES = 90

/** One formatter per unit for the page's life: constructing one costs ~50× a `format` (server/checkout/money.ts). */
const UNIT_FORMATS = {
  minute: new Intl.NumberFormat('en-US', { style: 'unit', unit: 'minute', unitDisplay: 'long', maximumFractionDigits: 1 }),
  hour: new Intl.NumberFormat('en-US', { style: 'unit', unit: 'hour', unitDisplay: 'long', maximumFractionDigits: 1 }),
} as const

function unit(n: number, u: keyof typeof UNIT_FORMATS): string {
  return UNIT_FORMATS[u].format(n)
}

/** `seconds` (≥ 0) as "a few seconds", "less than a minute", "about 2 minutes" or "about 1.5 hours". */
export function waitInWords(seconds: number): string {
  if (seconds < FEW_SECONDS) return 'a few seconds'
  if (seconds < MINUTE) return 'less than a minute'
  const minutes = Math.round(seconds / MINUTE)
  if (minutes < HOURS_FROM_MINUTES) return `about ${unit(minutes, 'minute')}`
  // Hours to the half hour: "about 2 hours", "about 2.5 hours".
  return `about ${unit(Math.round((seconds / HOUR) * 2) / 2, 'hour')}`
}
