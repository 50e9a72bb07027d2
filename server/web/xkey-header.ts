/**
 * Hands a cached page's surrogate keys to our edge: the page cache attached them to the entry
 * (server/platform/surrogate-keys.ts) and Next sends them under SURROGATE_KEYS_HEADER; when
 * the headers are written, that header is renamed `xkey`, the one vmod_xkey reads
 * (deploy/edge/storefront.vcl stores it with the object and removes it before answering).
 */
import type { ServerResponse } from 'node:http'
import onHeaders from 'on-headers'
import { SURROGATE_KEYS_HEADER, XKEY_HEADER } from '../platform/surrogate-keys'

/** Registers the rename on `res` (call once per request, before Next writes the headers). */
export function exposeSurrogateKeys(res: ServerResponse): void {
  onHeaders(res, function renameSurrogateKeys(this: ServerResponse) {
    const carried = this.getHeader(SURROGATE_KEYS_HEADER)
    if (carried === undefined) return
    this.removeHeader(SURROGATE_KEYS_HEADER)
    const keys = (Array.isArray(carried) ? carried.join(' ') : String(carried)).trim()
    if (keys) this.setHeader(XKEY_HEADER, keys)
  })
}
