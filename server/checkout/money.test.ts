import { describe, expect, it } from 'vitest'
import { formatCents } from './money'

describe('formatCents (every price the store shows)', () => {
  it('reads integer cents as the shopper expects, per currency, the same on every call', () => {
    expect(formatCents(123_456, 'USD')).toBe('$1,234.56')
    expect(formatCents(5, 'USD')).toBe('$0.05')
    expect(formatCents(99_900, 'EUR')).toBe('€999.00')
    expect(formatCents(123_456, 'USD')).toBe('$1,234.56')
  })

  it('refuses a currency that is not an ISO 4217 code, every time', () => {
    expect(() => formatCents(100, 'dollars')).toThrow(RangeError)
    expect(() => formatCents(100, 'dollars')).toThrow(RangeError)
  })
})
