/**
 * The checkout email schema: internationalized domains are accepted and converted exactly as
 * Node's own `url.domainToASCII` converts them (the schema uses the URL host parser because it
 * also runs in the browser); malformed addresses are refused with the form's message.
 */
import { domainToASCII } from 'node:url'
import { describe, expect, it } from 'vitest'
import { EMAIL_LOCAL_PART_MAX, EMAIL_MAX, emailSchema } from './email.schema'

describe('emailSchema', () => {
  it.each([
    ['user@bücher.example', 'user@xn--bcher-kva.example'],
    ['user@xn--bcher-kva.example', 'user@xn--bcher-kva.example'],
    ['Ada.Lovelace@BÜCHER.Example', 'Ada.Lovelace@xn--bcher-kva.example'],
    ['kunde@faß.de', 'kunde@xn--fa-hia.de'],
    ['ivan@пример.рф', 'ivan@xn--e1afmkfd.xn--p1ai'],
    ['taro@例え.テスト', 'taro@xn--r8jz45g.xn--zckzah'],
    ['wide@ｅｘａｍｐｌｅ．ｃｏｍ', 'wide@example.com'],
    ['  shopper@example.com  ', 'shopper@example.com'],
  ])('%s → stored as %s, the same as node:url domainToASCII', (typed, stored) => {
    const parsed = emailSchema.safeParse(typed)
    expect(parsed.success && parsed.data).toBe(stored)
    const domain = typed.trim().slice(typed.trim().lastIndexOf('@') + 1)
    expect(stored.slice(stored.lastIndexOf('@') + 1)).toBe(domainToASCII(domain))
  })

  it.each([
    ['not-an-email'],
    ['@example.com'],
    ['user@'],
    ['user@ex ample.com'],
    ['user@ex%41mple.com'],
    ['user@example.com/evil'],
    ['user@example..com'],
    ['user@-bad-.example'],
    ['user@1.2.3.4'],
    ['user@exa_mple.com'],
    ['josé@example.com'],
    [`${'l'.repeat(EMAIL_LOCAL_PART_MAX + 1)}@example.com`],
  ])('%s → "Enter a valid email address"', (typed) => {
    const parsed = emailSchema.safeParse(typed)
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues.map((i) => i.message)).toContain('Enter a valid email address')
  })

  it(`counts the ${EMAIL_MAX}-character maximum on the ASCII form that is stored`, () => {
    // Six labels of 14 distinct CJK characters: 162 characters as typed, 279 in ASCII.
    const label = (start: number) => Array.from({ length: 14 }, (_, i) => String.fromCodePoint(start + i * 37)).join('')
    const typed = `${'a'.repeat(EMAIL_LOCAL_PART_MAX)}@${[0x4e00, 0x5e00, 0x6e00, 0x7e00, 0x8e00, 0x9000].map(label).join('.')}.example`
    expect(typed.length).toBeLessThanOrEqual(EMAIL_MAX)
    const parsed = emailSchema.safeParse(typed)
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.message).toMatch(`Email is at most ${EMAIL_MAX} characters, counting an international domain in its ASCII`)
  })
})
