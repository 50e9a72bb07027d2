/**
 * The `search` flag sheds every full-text query, not just the page's: with it off at /ops,
 * `catalog.search` over tRPC answers 503 with Retry-After (and the page says "paused"); on
 * again, both search. A store on a Redis prefix of its own: flags are fleet wide.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestShopper } from '../../testing/test-shopper'
import { adminClient, startOpsStores, type OpsStores } from '../../testing/test-ops'
import { SEARCH_PAUSED_RETRY_SECONDS } from './search-if-enabled'

let world: OpsStores
beforeAll(async () => {
  world = await startOpsStores('search-flag', 1)
})
afterAll(async () => {
  await world.close()
})

describe('the search flag', () => {
  it('off: catalog.search over tRPC is refused like the page; on: both search again', async () => {
    const base = world.stores[0]!.url
    const admin = await adminClient(base)
    const shopper = new TestShopper(base)
    const pageSays = async () => (await (await shopper.fetch(`${base}/search?q=lamp`, { headers: shopper.headers() })).text()).includes('data-testid="search-paused"')

    expect((await admin.mutate('ops.setFlag', { name: 'search', enabled: false })).status).toBe(200)
    const off = await shopper.query('catalog.search', { q: 'lamp' })
    expect([off.status, off.headers.get('retry-after')]).toEqual([503, String(SEARCH_PAUSED_RETRY_SECONDS)])
    expect(off.error!.message).toMatch(/paused/)
    expect(await pageSays()).toBe(true)

    expect((await admin.mutate('ops.setFlag', { name: 'search', enabled: true })).status).toBe(200)
    // The flag is cached in process for up to 2 s.
    const deadline = Date.now() + 10_000
    let on = await shopper.query('catalog.search', { q: 'lamp' })
    while (on.status !== 200 && Date.now() < deadline) {
      await sleep(250)
      on = await shopper.query('catalog.search', { q: 'lamp' })
    }
    expect(on.status).toBe(200)
    expect(await pageSays()).toBe(false)
  })
})
