/**
 * How a shopper should see a price in US dollars, for tests to expect ("$1,234.50"). Written
 * with Intl here on purpose, not imported from server/checkout/money.ts: an oracle must not
 * share the code it checks.
 */
const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' })

/** `cents` (an integer number of cents) as the store should show it in USD. */
export const usd = (cents: number): string => USD.format(cents / 100)
