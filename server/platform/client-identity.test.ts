/**
 * The client-identity function on its own: what each trust model believes, and that no
 * header a client chooses moves the answer. (Through HTTP: server/web/client-identity.http.test.ts.)
 */
import { describe, expect, it } from 'vitest'
import { clientRateKey, NO_TRUSTED_PROXY, normalizeAddress, parseClientTrust, resolveClient } from './client-identity'

const socket = (remoteAddress: string, encrypted = false) => ({ remoteAddress, encrypted })
const SPOOFS = {
  'x-forwarded-for': '6.6.6.6',
  'x-real-ip': '6.6.6.7',
  forwarded: 'for=6.6.6.8;proto=https',
  'x-forwarded-proto': 'https',
  'x-client-ip': '6.6.6.9',
}

describe('no trusted proxy (the default)', () => {
  it('is the socket address, whatever forwarding headers say', () => {
    expect(resolveClient(socket('203.0.113.7'), SPOOFS, NO_TRUSTED_PROXY)).toEqual({ address: '203.0.113.7', protocol: 'http', forwarded: false })
  })

  it('normalises IPv4-mapped IPv6 and takes the protocol from the socket', () => {
    expect(resolveClient(socket('::ffff:198.51.100.4', true), {}, NO_TRUSTED_PROXY)).toEqual({ address: '198.51.100.4', protocol: 'https', forwarded: false })
  })

  it('reads fetch Headers as well as Node header records', () => {
    expect(resolveClient(socket('203.0.113.7'), new Headers(SPOOFS), NO_TRUSTED_PROXY).address).toBe('203.0.113.7')
  })
})

describe('behind our edge: one X-Forwarded-For hop from 10.0.0.5', () => {
  const trust = parseClientTrust({ hops: 1, proxies: '10.0.0.5' })

  it('takes the address our edge appended, not the ones the client wrote before it', () => {
    const via = resolveClient(socket('10.0.0.5'), { 'x-forwarded-for': '6.6.6.6, 1.1.1.1, 203.0.113.9', 'x-forwarded-proto': 'https' }, trust)
    expect(via).toEqual({ address: '203.0.113.9', protocol: 'https', forwarded: true })
  })

  it('ignores every forwarding header from a peer that is not our edge', () => {
    expect(resolveClient(socket('203.0.113.50'), SPOOFS, trust)).toEqual({ address: '203.0.113.50', protocol: 'http', forwarded: false })
  })

  it("is the edge itself for the edge's own requests (no X-Forwarded-For), and the edge when it appended garbage", () => {
    expect(resolveClient(socket('10.0.0.5'), {}, trust).address).toBe('10.0.0.5')
    expect(resolveClient(socket('10.0.0.5'), { 'x-forwarded-for': 'not-an-ip' }, trust).address).toBe('10.0.0.5')
  })
})

describe('two hops (TLS terminator → cache → store) from 10.0.0.0/24', () => {
  const trust = parseClientTrust({ hops: 2, proxies: '10.0.0.0/24' })

  it('walks back across both proxies', () => {
    expect(resolveClient(socket('10.0.0.2'), { 'x-forwarded-for': '6.6.6.6, 198.51.100.1, 10.0.0.1' }, trust).address).toBe('198.51.100.1')
  })

  it('stops at the first address that is not one of ours', () => {
    expect(resolveClient(socket('10.0.0.2'), { 'x-forwarded-for': '6.6.6.6, 198.51.100.1' }, trust).address).toBe('198.51.100.1')
  })
})

describe("a header only our edge sets (Varnish's client.ip)", () => {
  const trust = parseClientTrust({ hops: 0, proxies: '127.0.0.1, ::1', header: 'X-Client-IP' })

  it('is believed from the edge only', () => {
    expect(resolveClient(socket('::1'), { 'x-client-ip': '2001:db8::7', 'x-forwarded-for': '6.6.6.6' }, trust)).toEqual({
      address: '2001:db8::7',
      protocol: 'http',
      forwarded: true,
    })
    expect(resolveClient(socket('203.0.113.50'), { 'x-client-ip': '6.6.6.6' }, trust).address).toBe('203.0.113.50')
  })
})

describe('configuration mistakes are refused at start', () => {
  it.each([
    [{ hops: 1 }, /TRUSTED_PROXY_ADDRESSES must list/],
    [{ hops: 0, header: 'x-client-ip' }, /TRUSTED_PROXY_ADDRESSES must list/],
    [{ hops: 0, proxies: '10.0.0.1' }, /nothing is trusted/],
    [{ hops: 1, proxies: '10.0.0.1', header: 'x-client-ip' }, /either/],
    [{ hops: 1, proxies: '10.0.0.300' }, /not an IP address or CIDR/],
    [{ hops: 1, proxies: '10.0.0.0/33' }, /not an IP address or CIDR/],
    [{ hops: 9, proxies: '10.0.0.1' }, /TRUSTED_PROXY_HOPS/],
    [{ hops: 0, proxies: '10.0.0.1', header: 'x-forwarded-for' }, /CLIENT_ADDRESS_HEADER/],
  ])('%o', (input, message) => {
    expect(() => parseClientTrust(input)).toThrow(message)
  })
})

describe('rate-limit keys', () => {
  it('are the address for IPv4 and the /64 network for IPv6, however it is written', () => {
    expect(clientRateKey('198.51.100.4')).toBe('198.51.100.4')
    expect(clientRateKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(clientRateKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64')
    expect(clientRateKey('::1')).toBe('0:0:0:0::/64')
  })

  it('normalise the spellings a proxy may use', () => {
    expect(normalizeAddress('[2001:DB8::1]:443')).toBe('2001:db8::1')
    expect(normalizeAddress('198.51.100.4:5555')).toBe('198.51.100.4')
    expect(normalizeAddress('unknown')).toBeNull()
  })
})
