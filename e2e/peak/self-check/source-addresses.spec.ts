/**
 * The `--fleet` drill's simulated clients connect from loopback addresses of their own: every
 * address handed out is a valid IPv4 address this machine can connect from, one client always
 * gets the same one, and the drill's sessions spread over many of them (the per-address limits
 * see a crowd, not one generator).
 */
import { expect, test } from '@playwright/test'
import { createServer } from 'node:http'
import { isIPv4, type AddressInfo } from 'node:net'
import { fetch as undiciFetch } from 'undici'
import { SOURCE_ADDRESS_COUNT, sourceAddressFor, sourceAgent } from '../load/source-addresses'
import { sessionAddress } from '../load/traffic'

test('every source address is valid and stable, and sessions spread over most of them', () => {
  const all = Array.from({ length: 5_000 }, (_, i) => sourceAddressFor(sessionAddress(i)))
  expect(all.filter((a) => !isIPv4(a) || !a.startsWith('127.'))).toEqual([])
  expect(sourceAddressFor(sessionAddress(7))).toBe(sourceAddressFor(sessionAddress(7)))
  const sessions = new Set(Array.from({ length: 600 }, (_, i) => sourceAddressFor(sessionAddress(i))))
  expect(sessions.size).toBeGreaterThan(SOURCE_ADDRESS_COUNT * 0.8)
  expect(() => sourceAddressFor('x', 0)).toThrow(RangeError)
})

test('a request through a source agent arrives from that address', async () => {
  const server = createServer((req, res) => res.end(req.socket.remoteAddress))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  try {
    const client = sessionAddress(42)
    const agent = sourceAgent(client)
    const res = await undiciFetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { dispatcher: agent })
    expect(await res.text()).toBe(sourceAddressFor(client))
    await agent.close()
  } finally {
    server.close()
  }
})
