/**
 * Shared refinements for zod schemas of text (a `.schema.ts` module: client-safe, no I/O).
 *
 * Text a person sent, checked to be stored as sent. JSON can carry an unpaired UTF-16 surrogate
 * ("\ud800"), which is not Unicode text: PostgreSQL's UTF-8 would get U+FFFD in its place, so a
 * name would be stored silently different from what the shopper or admin sent. Such input is
 * refused instead (zod refinement). With the `u` flag, `\p{Cs}` matches only unpaired
 * surrogates (a well-formed pair is one code point).
 */
const UNPAIRED_SURROGATE = /\p{Cs}/u

/** True when `text` is well-formed Unicode (no unpaired UTF-16 surrogate). */
export function isWellFormedText(text: string): boolean {
  return !UNPAIRED_SURROGATE.test(text)
}

/** The refusal for a field named `label` that is not well-formed. */
export const brokenTextMessage = (label: string): string => `${label} contains a broken character (an unpaired UTF-16 surrogate)`
