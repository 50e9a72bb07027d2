/**
 * A selling doorbuster stays editable (issue 12, case 1): the editor loads from the primary
 * database, sales never touch the content version, and only another admin's edit is a
 * conflict. Over real HTTP on the run's store, as the /ops editor does it.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper } from '../../testing/test-shopper'
import { testStoreUrl } from '../../testing/test-store'
import { env } from '../env'
import { createProduct, sql } from '../../testing/checkout-fixtures'
import type { ProductForEdit, UpdateProductOutput } from './catalog.schema'

let admin: TestShopper
let otherAdmin: TestShopper

async function loggedInAdmin(): Promise<TestShopper> {
  const a = new TestShopper(testStoreUrl(), { origin: testStoreUrl() })
  expect((await a.mutate('auth.login', { password: env.TEST_ADMIN_PASSWORD })).status).toBe(200)
  return a
}

beforeAll(async () => {
  admin = await loggedInAdmin()
  otherAdmin = await loggedInAdmin()
})

async function buy(productId: number, quantity = 1) {
  const shopper = new TestShopper(testStoreUrl())
  await shopper.query('cart.get')
  const answer = await shopper.mutate('checkout.placeOrder', { idempotencyKey: newIdempotencyKey(), ...TEST_ADDRESS, lines: [{ productId, quantity }] })
  expect(answer.status, JSON.stringify(answer.error)).toBe(200)
}

const load = async (id: number) => (await admin.query<ProductForEdit>('ops.findProduct', { q: String(id) })).data!

describe('editing a product while it sells', () => {
  it('the admin opens the editor, shoppers buy, the admin saves: accepted, and the reload shows live stock', async () => {
    const id = await createProduct({ stock: 188, hot: true, name: 'Doorbuster Editable TV' })
    // Shoppers have looked at it: its cached copy exists (the old editor read that copy).
    expect((await new TestShopper(testStoreUrl()).query('catalog.stock', { productId: id })).status).toBe(200)
    const opened = await load(id)
    expect(opened).toMatchObject({ id, stock: 188, contentVersion: 1, active: true, hot: true })

    await buy(id)
    await buy(id, 2)

    const saved = await admin.mutate<UpdateProductOutput>('catalog.updateProduct', { id, patch: { priceCents: 2_222 }, expectedContentVersion: opened.contentVersion })
    expect(saved.status, JSON.stringify(saved.error)).toBe(200)
    expect(saved.data).toMatchObject({ product: { contentVersion: 2, priceCents: 2_222 }, propagation: 'complete' })

    // A reload reads the primary database: the sales are there, and the version the save made.
    expect(await load(id)).toMatchObject({ stock: 185, contentVersion: 2, priceCents: 2_222 })
    const [row] = await sql<{ stock: number; contentVersion: number }>('SELECT stock, "contentVersion" FROM "Product" WHERE id = $1', [id])
    expect(row).toEqual({ stock: 185, contentVersion: 2 })
  })

  it("another admin's edit in between is a conflict naming the current version; a reload then saves", async () => {
    const id = await createProduct({ stock: 50, hot: true })
    const mine = await load(id)
    const theirs = await otherAdmin.mutate<UpdateProductOutput>('catalog.updateProduct', { id, patch: { name: 'Renamed by the other admin' }, expectedContentVersion: mine.contentVersion })
    expect(theirs.status).toBe(200)
    await buy(id)

    const lost = await admin.mutate('catalog.updateProduct', { id, patch: { priceCents: 999 }, expectedContentVersion: mine.contentVersion })
    expect(lost.status).toBe(409)
    expect(lost.error?.message).toMatch(/edited meanwhile \(now content version 2\)/)
    const reloaded = await load(id)
    expect(reloaded).toMatchObject({ name: 'Renamed by the other admin', contentVersion: 2, stock: 49 })
    const retry = await admin.mutate<UpdateProductOutput>('catalog.updateProduct', { id, patch: { priceCents: 999 }, expectedContentVersion: reloaded.contentVersion })
    expect(retry.status).toBe(200)
  })

  it('stock is not part of a content edit: a clear 400 pointing at the stock levers, nothing changed', async () => {
    const id = await createProduct({ stock: 10 })
    const answer = await admin.mutate('catalog.updateProduct', { id, patch: { stock: 500 } })
    expect(answer.status).toBe(400)
    expect(answer.error?.message).toMatch(/Stock is not part of a content edit: change it with a stock change/)
    const [row] = await sql<{ stock: number; contentVersion: number }>('SELECT stock, "contentVersion" FROM "Product" WHERE id = $1', [id])
    expect(row).toEqual({ stock: 10, contentVersion: 1 })
  })
})
