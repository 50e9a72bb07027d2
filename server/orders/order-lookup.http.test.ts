/** orders.get refuses a bad lookup with a message that names what is wrong, over real HTTP. */
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { TestShopper } from '../../testing/test-shopper'
import { testStoreUrl } from '../../testing/test-store'

describe('orders.get with a bad input', () => {
  it('a missing orderId is "required", a malformed one "not an order number"', async () => {
    const shopper = new TestShopper(testStoreUrl())
    const cases: Array<[unknown, string]> = [
      [{ id: randomUUID() }, 'Invalid input: orderId: orderId is required'],
      [{ orderId: 'abc' }, 'Invalid input: orderId: Not an order number'],
    ]
    for (const [input, message] of cases) {
      const res = await shopper.query('orders.get', input)
      expect([res.status, res.error?.message]).toEqual([400, message])
    }
  })
})
