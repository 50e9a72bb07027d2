import { formatCents } from '@/server/checkout/money'

/** A price on the page: integer cents in `currency`, formatted by server/checkout/money.ts. */
export function Price({ cents, currency, className }: { cents: number; currency: string; className?: string }) {
  return (
    <span className={className} data-testid="price">
      {formatCents(cents, currency)}
    </span>
  )
}
