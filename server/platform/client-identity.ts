/**
 * Who the client is, from what the connection proves and what our own proxies vouch for.
 *
 * One pure function, `resolveClient(socket, headers, trust)`, used by every process that
 * accepts HTTP: the custom Next server (server/web/web-server.ts) and any standalone API
 * server beside it. Nothing else in the app reads X-Forwarded-For & co. from a client.
 *
 * Trust model (configured in the environment, see server/platform/client-trust.ts):
 *  - no trusted proxy (the default): the client is the socket's peer; every forwarding
 *    header a client sends is ignored;
 *  - `hops` trusted proxies that append to X-Forwarded-For (`TRUSTED_PROXY_HOPS`): walking
 *    the chain `X-Forwarded-For…, socket peer` from the right, each of the `hops` nearest
 *    addresses must be one of our proxies (`TRUSTED_PROXY_ADDRESSES`); the address left of
 *    them is the client. A peer that is not one of our proxies is the client itself;
 *  - a header only our edge sets (`CLIENT_ADDRESS_HEADER`, e.g. `x-client-ip` written by
 *    Varnish from `client.ip`): honoured only when the socket peer is one of our proxies.
 *  The protocol is `https` when the socket is TLS, or when a trusted proxy says so in
 *  X-Forwarded-Proto (first value); a client's own X-Forwarded-Proto never counts.
 *
 * Hand-written on purpose: `proxy-addr` (Express) implements the walk, but over an
 * IncomingMessage; this must also run on a fetch `Request` and in tests without a socket.
 * The address matching itself is Node's `net.BlockList` (CIDR ranges, IPv4 and IPv6).
 */
import { BlockList, isIP } from 'node:net'

export type ClientProtocol = 'http' | 'https'

export interface ClientIdentity {
  /** The client's IP address, normalised (IPv4-mapped IPv6 → IPv4); `unknown` when the socket has none. */
  address: string
  protocol: ClientProtocol
  /** True when a trusted proxy, not the socket, named the address. */
  forwarded: boolean
}

export interface ClientTrust {
  /** Our proxies; null = no proxy is trusted (clients connect directly). */
  proxies: BlockList | null
  /** Trusted proxies that append to X-Forwarded-For (0 with `header` or without proxies). */
  hops: number
  /** Lower-case name of the header our edge sets to the client address, or null. */
  header: string | null
  /** The configuration as given, for logs and the ops dashboard. */
  description: string
}

/** The default: nobody in front of us. */
export const NO_TRUSTED_PROXY: ClientTrust = { proxies: null, hops: 0, header: null, description: 'socket address (no trusted proxy)' }

export const MAX_TRUSTED_PROXY_HOPS = 5
const HEADER_NAME = /^[a-z0-9-]{1,64}$/
/** Headers a trusted proxy may not be configured to use as "its" client-address header. */
const RESERVED_HEADERS = new Set(['host', 'cookie', 'authorization', 'origin', 'x-forwarded-for', 'forwarded'])

export interface ClientTrustInput {
  hops: number
  /** Comma-separated IP addresses or CIDR ranges of our proxies. */
  proxies?: string
  header?: string
}

/**
 * Builds a trust configuration; throws an Error naming the problem (env.ts reports it
 * against the variable). Rules: proxies are required whenever anything is trusted; hops
 * and a header are alternatives, not both; a proxy list with nothing to trust is refused.
 */
export function parseClientTrust(input: ClientTrustInput): ClientTrust {
  const list = input.proxies?.trim() ? input.proxies : undefined
  const header = input.header?.trim().toLowerCase() || null
  const hops = input.hops
  if (!Number.isInteger(hops) || hops < 0 || hops > MAX_TRUSTED_PROXY_HOPS) {
    throw new Error(`TRUSTED_PROXY_HOPS must be a whole number from 0 to ${MAX_TRUSTED_PROXY_HOPS}`)
  }
  if (header !== null && (!HEADER_NAME.test(header) || RESERVED_HEADERS.has(header))) {
    throw new Error('CLIENT_ADDRESS_HEADER must be a header name our edge sets itself (letters, digits, "-"; not host, cookie, x-forwarded-for…)')
  }
  if (header !== null && hops > 0) throw new Error('Set either TRUSTED_PROXY_HOPS or CLIENT_ADDRESS_HEADER, not both')
  if ((header !== null || hops > 0) && !list) {
    throw new Error('TRUSTED_PROXY_ADDRESSES must list our proxies (IPs or CIDR ranges) when TRUSTED_PROXY_HOPS or CLIENT_ADDRESS_HEADER is set')
  }
  if (list && header === null && hops === 0) {
    throw new Error('TRUSTED_PROXY_ADDRESSES is set but nothing is trusted from them: set TRUSTED_PROXY_HOPS or CLIENT_ADDRESS_HEADER')
  }
  if (!list) return NO_TRUSTED_PROXY
  const proxies = parseAddressList(list)
  const via = header ? `header ${header}` : `${hops} X-Forwarded-For hop${hops === 1 ? '' : 's'}`
  return { proxies, hops, header, description: `${via} from ${list.split(',').map((s) => s.trim()).join(', ')}` }
}

/** `10.0.0.0/8, 127.0.0.1, ::1` → a BlockList; throws on an entry that is neither an IP nor a CIDR range. */
export function parseAddressList(list: string): BlockList {
  const blocks = new BlockList()
  for (const raw of list.split(',')) {
    const entry = raw.trim()
    if (!entry) continue
    const [address = '', prefixText, extra] = entry.split('/')
    const family = isIP(address)
    const prefix = prefixText === undefined ? (family === 6 ? 128 : 32) : Number(prefixText)
    const maxPrefix = family === 6 ? 128 : 32
    if (!family || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
      throw new Error(`TRUSTED_PROXY_ADDRESSES: "${entry}" is not an IP address or CIDR range`)
    }
    blocks.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4')
  }
  return blocks
}

/** Request headers as Node (`IncomingHttpHeaders`) or fetch (`Headers`) carries them. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>

export function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/** `::ffff:10.0.0.1` → `10.0.0.1`; `1.2.3.4:5678` / `[::1]:80` → the address; anything else not an IP → null. */
export function normalizeAddress(raw: string | undefined): string | null {
  if (!raw) return null
  let value = raw.trim()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value)
  if (bracketed) value = bracketed[1]!
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'))
  const zone = value.indexOf('%')
  if (zone > 0) value = value.slice(0, zone)
  const family = isIP(value)
  if (family === 4) return value
  if (family !== 6) return null
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(value)
  return mapped ? mapped[1]! : value.toLowerCase()
}

function isProxy(trust: ClientTrust, address: string | null): boolean {
  if (!trust.proxies || address === null) return false
  return trust.proxies.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4')
}

/**
 * The client behind one request.
 * @param socket the connection: peer address (`socket.remoteAddress`) and whether it is TLS.
 * @param headers the request's headers, as received.
 * @param trust from `parseClientTrust` (the process's is `clientTrust` in client-trust.ts).
 * @returns the client's address and protocol; never throws.
 */
export function resolveClient(
  socket: { remoteAddress?: string | undefined; encrypted?: boolean },
  headers: HeaderSource,
  trust: ClientTrust,
): ClientIdentity {
  const peer = normalizeAddress(socket.remoteAddress)
  const direct: ClientIdentity = { address: peer ?? 'unknown', protocol: socket.encrypted ? 'https' : 'http', forwarded: false }
  if (!isProxy(trust, peer)) return direct

  const proto = headerValue(headers, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase()
  const protocol: ClientProtocol = proto === 'https' || proto === 'http' ? proto : direct.protocol

  if (trust.header) {
    const named = normalizeAddress(headerValue(headers, trust.header)?.split(',')[0])
    return named ? { address: named, protocol, forwarded: true } : { ...direct, protocol }
  }

  // Walk `X-Forwarded-For…, peer` from the right across `hops` of our proxies.
  const chain = (headerValue(headers, 'x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  let current: string = peer!
  for (let hop = 0; hop < trust.hops; hop++) {
    if (!isProxy(trust, current)) break
    const raw = chain.pop()
    if (raw === undefined) break // the proxy's own request (a health check): it is the client
    const next = normalizeAddress(raw)
    if (next === null) break // garbage appended by a proxy of ours: fall back to that proxy
    current = next
  }
  return { address: current, protocol, forwarded: current !== peer }
}

/**
 * The key per-client limits count under: the address for IPv4, its /64 network for IPv6
 * (one subscriber usually holds a whole /64 and can rotate through it at will).
 */
export function clientRateKey(address: string): string {
  if (isIP(address) !== 6) return address
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`
}

function expandIpv6(address: string): string[] {
  let text = address.toLowerCase()
  const dotted = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number]
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const left = head ? head.split(':') : []
  const right = tail === undefined ? [] : tail ? tail.split(':') : []
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => '0')
  return [...left, ...zeros, ...right].map((group) => group.replace(/^0+(?=.)/, ''))
}
