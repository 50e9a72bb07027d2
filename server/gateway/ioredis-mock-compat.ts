/**
 * Makes ioredis-mock 8.13 work next to ioredis 6 (ioredis-mock declares ioredis ^5; package.json
 * `overrides` points it at our ioredis 6, stipsan/ioredis-mock#1499).
 *
 * ioredis-mock runs every reply through ioredis's own reply transformers. ioredis 6 made the
 * ones for ZRANGE, ZRANGEBYSCORE, ZPOPMIN, HRANDFIELD, XREAD, … take a second argument, the
 * connection's protocol context, which ioredis-mock does not pass: those commands then throw
 * "Cannot read properties of undefined (reading 'protocol')". Here each two-argument
 * transformer is wrapped so that a call *without* a context gets the RESP2 one (the shapes
 * ioredis-mock produces). Real ioredis clients always pass their own context and are
 * unaffected. Applied once per process, before the first mock command; can go when
 * ioredis-mock supports ioredis 6.
 */
import { Command } from 'ioredis'

const RESP2_CONTEXT = { protocol: 2, replyMapping: 'legacy' } as const
const WRAPPED = Symbol.for('storefront.ioredis-mock-compat')

type Transformer = (reply: unknown, context?: unknown) => unknown

let applied = false

export function applyIoredisMockCompat(): void {
  if (applied) return
  applied = true
  const transformers: unknown = Reflect.get(Command, '_transformer')
  const reply: unknown = typeof transformers === 'object' && transformers !== null ? Reflect.get(transformers, 'reply') : undefined
  if (typeof reply !== 'object' || reply === null) throw new Error('ioredis-mock compat: ioredis has no reply transformer table (ioredis changed?)')
  for (const [name, fn] of Object.entries(reply)) {
    if (typeof fn !== 'function' || fn.length < 2 || Reflect.get(fn, WRAPPED) === true) continue
    const original = fn as Transformer
    const wrapped: Transformer = (value, context) => original(value, context ?? { commandName: name, ...RESP2_CONTEXT })
    Reflect.set(wrapped, WRAPPED, true)
    Reflect.set(reply, name, wrapped)
  }
}
