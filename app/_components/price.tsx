/** Formats integer cents for display; money never becomes a float before this point. */
export function formatPrice(cents: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100)
}

export function Price({ cents, currency, className }: { cents: number; currency: string; className?: string }) {
  return (
    <span className={className} data-testid="price">
      {formatPrice(cents, currency)}
    </span>
  )
}
