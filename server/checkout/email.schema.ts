/**
 * The shopper's email address at checkout. An internationalized domain (`user@bücher.example`)
 * is accepted and stored in its ASCII form (`user@xn--bcher-kva.example`), which every mail
 * server and provider API understands; the same domain typed in punycode gives the same value.
 *
 * Bundled for the browser too (the checkout form validates with this schema first), so the
 * conversion is the WHATWG URL host parser (`new URL('http://' + domain).hostname`): the
 * UTS #46 processing (mapping, NFC, punycode) built into every browser and into Node, which
 * is exactly what Node's `url.domainToASCII()` runs (both are the ada/WHATWG algorithm; see
 * the test comparing them). `node:url` itself cannot be bundled for the browser, and the npm
 * `punycode` package only encodes: it does not map case, width or `ß`, so `BÜCHER.example` and
 * `ｂücher.example` would be stored differently or refused. The local part stays ASCII (an
 * SMTPUTF8 mailbox cannot be delivered through servers without that extension).
 */
import { z } from 'zod'

/** RFC 5321: a path, and so an address, is at most 254 characters (in the ASCII form we store). */
export const EMAIL_MAX = 254
/** RFC 5321: the local part (before the `@`) is at most 64 characters. */
export const EMAIL_LOCAL_PART_MAX = 64
/** What we read before converting: a Unicode domain never needs more than this to stay under EMAIL_MAX. */
export const EMAIL_INPUT_MAX = EMAIL_MAX * 4

/** zod's "practical" local part (letters, digits, `_'+-`, single dots inside). */
const LOCAL_PART = `(?=[^@]{1,${EMAIL_LOCAL_PART_MAX}}@)(?:[A-Za-z0-9_'+\\-]+\\.)*[A-Za-z0-9_'+\\-]*[A-Za-z0-9_+-]`
/** A DNS label in letters, digits and inner hyphens, at most 63 characters (RFC 1035). */
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?'
/** A top-level domain: letters, or an internationalized one in punycode (`xn--p1ai` is .рф). */
const TLD = '(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})'
/** An address as we store it: ASCII, domain in lower case. */
export const ASCII_EMAIL = new RegExp(`^${LOCAL_PART}@(?:${LABEL}\\.)+${TLD}$`)

/** Characters the URL parser would treat as syntax (or percent-decode) rather than as part of a host name. */
const NOT_A_HOST = /[\s/\\?#@:%[\]<>^|"'`{}]/

/**
 * `user@Bücher.Example` → `user@xn--bcher-kva.example`: the domain in its ASCII, lower-case
 * form; the local part untouched. `null` when there is no `local@domain` shape or the domain
 * is not a valid domain name (e.g. `xn--zz`, a label that is not valid punycode).
 */
export function emailWithAsciiDomain(address: string): string | null {
  const at = address.lastIndexOf('@')
  if (at < 1) return null
  const domain = address.slice(at + 1)
  if (domain === '' || NOT_A_HOST.test(domain)) return null
  try {
    return `${address.slice(0, at)}@${new URL(`http://${domain}/`).hostname}`
  } catch {
    return null
  }
}

const INVALID = 'Enter a valid email address'

export const emailSchema = z
  .string({ error: 'Enter your email address' })
  .trim()
  .max(EMAIL_INPUT_MAX, `Email is at most ${EMAIL_MAX} characters`)
  .transform((address, ctx) => {
    const ascii = emailWithAsciiDomain(address)
    if (ascii === null) {
      ctx.addIssue({ code: 'custom', message: INVALID })
      return z.NEVER
    }
    return ascii
  })
  .pipe(
    z
      .string()
      .max(EMAIL_MAX, `Email is at most ${EMAIL_MAX} characters, counting an international domain in its ASCII (xn--) form`)
      .regex(ASCII_EMAIL, INVALID),
  )
