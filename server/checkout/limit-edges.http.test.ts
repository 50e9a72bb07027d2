/**
 * Every limit of the store at its edge, over real HTTP: at the limit → accepted; one past →
 * a clear 4xx naming the limit, and nothing written (cart, stock, orders and products are
 * compared before and after). Then the limits in combination: each one fits the column that
 * stores it, and the products of limits (price × quantity × lines) stay inside the order
 * total checkout accepts and inside JavaScript's exact integers.
 *
 * A store of its own (own Redis key prefix) so the admin login and the rate limits it uses
 * belong to this file alone.
 */
import { randomBytes } from 'node:crypto'
import superjson from 'superjson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_CART_LINES, MAX_QUANTITY_PER_LINE, productIdSchema, type Cart } from '../cart/cart.schema'
import {
  CATEGORY_MAX_PAGE,
  HOT_DEALS_MAX,
  MAX_PRICE_CENTS,
  MAX_STOCK,
  PRODUCT_DESCRIPTION_MAX,
  PRODUCT_NAME_MAX,
  SEARCH_QUERY_MAX,
} from '../catalog/catalog.schema'
import { deleteKeysWithPrefix, uniqueKeyPrefix } from '../../testing/test-services'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper, type TrpcAnswer } from '../../testing/test-shopper'
import { currentStoreEnv, startStore, type RunningStore } from '../../testing/test-store'
import { env } from '../env'
import { adminClient } from '../../testing/test-ops'
import { MAX_TRPC_BODY_BYTES } from '../trpc/body-limit'
import {
  ADDRESS_MAX,
  EMAIL_MAX,
  IDEMPOTENCY_KEY_MAX,
  IDEMPOTENCY_KEY_MIN,
  MAX_ORDER_TOTAL_CENTS,
  NAME_MAX,
  type PlacedOrderAnswer,
} from './checkout.schema'
import { EMAIL_LOCAL_PART_MAX } from './email.schema'
import { createProduct, sql, stockAndSold } from '../../testing/checkout-fixtures'
import { usd } from '../../testing/expected-price'

const INT4_MAX = 2_147_483_647

let store: RunningStore
let keyPrefix: string

beforeAll(async () => {
  keyPrefix = uniqueKeyPrefix('test-limits')
  store = await startStore('auto', { ...currentStoreEnv(), keyPrefix })
}, 120_000)

afterAll(async () => {
  await store?.stop()
  if (keyPrefix) await deleteKeysWithPrefix(env.REDIS_URL, keyPrefix)
})

/**
 * A product at an extreme of the catalog's limits (price maximum, last id). Marked `hot`: the
 * catalog tests running beside this file borrow the newest ordinary (`NOT hot`) products and add
 * to their price, which must not land on one already at the maximum.
 */
const extremeProduct = (opts: { stock: number; priceCents?: number }) => createProduct({ ...opts, hot: true })

let admin: Promise<TestShopper> | undefined
/** One admin login for the whole file (the login limit allows a handful per address). */
const adminOnce = () => (admin ??= adminClient(store.url))

async function shopper(): Promise<TestShopper> {
  const s = new TestShopper(store.url)
  await s.query('cart.get')
  return s
}

/** A letters-and-digits string of exactly `length` characters, unique per call. */
const token = (length: number) => randomBytes(length).toString('base64url').slice(0, length)

/** An ASCII address of exactly `length` characters: the longest local part, labels of at most 63. */
function emailOfLength(length: number): string {
  const tld = 'com'
  let left = length - EMAIL_LOCAL_PART_MAX - 1 - tld.length // characters for the labels, each with its dot
  const labels: string[] = []
  while (left > 0) {
    const label = Math.min(63, left - 1)
    if (label < 1) throw new Error(`cannot build an address of ${length} characters`)
    labels.push('b'.repeat(label))
    left -= label + 1
  }
  return `${'a'.repeat(EMAIL_LOCAL_PART_MAX)}@${labels.join('.')}.${tld}`
}

const orderInput = (lines: Array<{ productId: number; quantity: number }>, over: Record<string, unknown> = {}) => ({
  idempotencyKey: newIdempotencyKey(),
  ...TEST_ADDRESS,
  lines,
  ...over,
})

async function ordersWithKey(key: string): Promise<number> {
  const [row] = await sql<{ n: string }>('SELECT count(*) AS n FROM "Order" WHERE "idempotencyKey" = $1', [key])
  return Number(row!.n)
}

/** What a write may have changed, for the "nothing written" half of each edge. */
async function productRow(id: number) {
  const [row] = await sql('SELECT "priceCents", stock, name, description, "contentVersion", "restockSeq" FROM "Product" WHERE id = $1', [id])
  return row
}

interface Edge {
  limit: string
  /** Runs the at-the-limit request; returns what it answered. */
  atLimit: () => Promise<TrpcAnswer<unknown> | Response>
  /** Accepted means this status (200 unless the request is only a read of something absent). */
  acceptedStatus?: number
  /** When the accepted answer is not a 200: what it must say (so it is accepted for the right reason). */
  acceptedMessage?: RegExp
  /** Runs the one-past request and returns its answer plus what the world looked like before and after it. */
  onePast: () => Promise<{ answer: TrpcAnswer<unknown> | Response; before: unknown; after: unknown }>
  refusedStatus?: number
  message: RegExp
}

const statusOf = (a: TrpcAnswer<unknown> | Response) => a.status
async function messageOf(a: TrpcAnswer<unknown> | Response): Promise<string> {
  if (a instanceof Response) return a.text()
  return a.error ? JSON.stringify(a.error) : `${a.status} with data`
}

/** A checkout of `lines` that must refuse and leave stock, orders and the key untouched. */
async function refusedCheckout(s: TestShopper, input: ReturnType<typeof orderInput>, rawBody?: string) {
  const ids = input.lines.map((l) => l.productId)
  const snapshot = async () => ({ stock: [...(await stockAndSold(ids)).entries()], orders: await ordersWithKey(input.idempotencyKey) })
  const before = await snapshot()
  const answer = await s.mutate<PlacedOrderAnswer>('checkout.placeOrder', rawBody === undefined ? input : undefined, rawBody)
  return { answer, before, after: await snapshot() }
}

/** A raw checkout body of exactly `bytes` bytes (JSON whitespace as padding). */
function paddedBody(input: unknown, bytes: number): string {
  const body = JSON.stringify(superjson.serialize(input))
  const pad = bytes - Buffer.byteLength(body)
  if (pad < 0) throw new Error('input is already larger than the padding target')
  return `${body.slice(0, -1)}${' '.repeat(pad)}}`
}

const edges: Edge[] = [
  {
    limit: `cart: ${MAX_QUANTITY_PER_LINE} per line (add)`,
    atLimit: async () => {
      const s = await shopper()
      return s.mutate('cart.add', { productId: await createProduct({ stock: 50 }), quantity: MAX_QUANTITY_PER_LINE })
    },
    onePast: async () => {
      const s = await shopper()
      const productId = await createProduct({ stock: 50, name: 'Edge Lamp' })
      await s.mutate('cart.add', { productId, quantity: MAX_QUANTITY_PER_LINE })
      const before = (await s.query<Cart>('cart.get')).data!.lines.map((l) => l.quantity)
      const answer = await s.mutate('cart.add', { productId, quantity: 1 })
      return { answer, before, after: (await s.query<Cart>('cart.get')).data!.lines.map((l) => l.quantity) }
    },
    message: new RegExp(`You can buy at most ${MAX_QUANTITY_PER_LINE} of Edge Lamp`),
  },
  {
    limit: `cart: ${MAX_QUANTITY_PER_LINE} per line (setQuantity)`,
    atLimit: async () => {
      const s = await shopper()
      return s.mutate('cart.setQuantity', { productId: await createProduct({ stock: 50 }), quantity: MAX_QUANTITY_PER_LINE })
    },
    onePast: async () => {
      const s = await shopper()
      const productId = await createProduct({ stock: 50 })
      await s.mutate('cart.setQuantity', { productId, quantity: 2 })
      const before = (await s.query<Cart>('cart.get')).data!.lines.map((l) => l.quantity)
      const answer = await s.mutate('cart.setQuantity', { productId, quantity: MAX_QUANTITY_PER_LINE + 1 })
      return { answer, before, after: (await s.query<Cart>('cart.get')).data!.lines.map((l) => l.quantity) }
    },
    message: new RegExp(`quantity can be at most ${MAX_QUANTITY_PER_LINE}`),
  },
  {
    limit: `cart: ${MAX_CART_LINES} lines`,
    atLimit: async () => {
      const s = await shopper()
      const ids = await Promise.all(Array.from({ length: MAX_CART_LINES }, () => createProduct({ stock: 5 })))
      let last: TrpcAnswer<unknown> | undefined
      for (const productId of ids) last = await s.mutate('cart.add', { productId, quantity: 1 })
      const cart = await s.query<Cart>('cart.get')
      expect(cart.data!.lines).toHaveLength(MAX_CART_LINES)
      return last!
    },
    onePast: async () => {
      const s = await shopper()
      const ids = await Promise.all(Array.from({ length: MAX_CART_LINES + 1 }, () => createProduct({ stock: 5 })))
      for (const productId of ids.slice(0, MAX_CART_LINES)) await s.mutate('cart.add', { productId, quantity: 1 })
      const lines = async () => (await s.query<Cart>('cart.get')).data!.lines.map((l) => l.productId)
      const before = await lines()
      const answer = await s.mutate('cart.setQuantity', { productId: ids[MAX_CART_LINES]!, quantity: 1 })
      return { answer, before, after: await lines() }
    },
    message: new RegExp(`Your cart can hold at most ${MAX_CART_LINES} different items`),
  },
  {
    limit: `product id: at most ${INT4_MAX} (the column's int4 range)`,
    atLimit: async () => {
      // A product with the largest id the column can hold, so "accepted" means a real add.
      await sql(
        `INSERT INTO "Product" (id, slug, name, description, "priceCents", stock, hot, "categoryId", "updatedAt")
         VALUES ($1, $2, 'Last Id Lantern', 'edge of the id range', 500, 5, true, (SELECT id FROM "Category" ORDER BY id LIMIT 1), now())
         ON CONFLICT (id) DO NOTHING`,
        [INT4_MAX, `last-id-lantern-${token(6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`],
      )
      return (await shopper()).mutate('cart.add', { productId: INT4_MAX, quantity: 1 })
    },
    onePast: async () => {
      const s = await shopper()
      const answer = await s.mutate('cart.add', { productId: INT4_MAX + 1, quantity: 1 })
      return { answer, before: [], after: (await s.query<Cart>('cart.get')).data!.lines }
    },
    message: /productId is out of range/,
  },
  {
    limit: `checkout: ${MAX_CART_LINES} lines`,
    atLimit: async () => {
      const ids = await Promise.all(Array.from({ length: MAX_CART_LINES }, () => createProduct({ stock: 3 })))
      return (await shopper()).mutate('checkout.placeOrder', orderInput(ids.map((productId) => ({ productId, quantity: 1 }))))
    },
    onePast: async () => {
      const ids = await Promise.all(Array.from({ length: MAX_CART_LINES + 1 }, () => createProduct({ stock: 3 })))
      return refusedCheckout(await shopper(), orderInput(ids.map((productId) => ({ productId, quantity: 1 }))))
    },
    message: new RegExp(`At most ${MAX_CART_LINES} different items per order`),
  },
  {
    limit: `checkout: ${MAX_QUANTITY_PER_LINE} per line`,
    atLimit: async () => {
      const productId = await createProduct({ stock: 20 })
      return (await shopper()).mutate('checkout.placeOrder', orderInput([{ productId, quantity: MAX_QUANTITY_PER_LINE }]))
    },
    onePast: async () => {
      const productId = await createProduct({ stock: 20 })
      return refusedCheckout(await shopper(), orderInput([{ productId, quantity: MAX_QUANTITY_PER_LINE + 1 }]))
    },
    message: new RegExp(`quantity can be at most ${MAX_QUANTITY_PER_LINE}`),
  },
  {
    limit: `checkout: order total at most ${usd(MAX_ORDER_TOTAL_CENTS)}`,
    atLimit: async () => {
      // One full line of the dearest product the catalog allows is exactly the maximum.
      const productId = await extremeProduct({ stock: MAX_QUANTITY_PER_LINE, priceCents: MAX_PRICE_CENTS })
      const answer = await (await shopper()).mutate<PlacedOrderAnswer>('checkout.placeOrder', orderInput([{ productId, quantity: MAX_QUANTITY_PER_LINE }]))
      expect(answer.data?.totalCents).toBe(MAX_ORDER_TOTAL_CENTS)
      const [stored] = await sql<{ totalCents: number }>('SELECT "totalCents" FROM "Order" WHERE id = $1', [answer.data!.orderId])
      expect(stored!.totalCents).toBe(MAX_ORDER_TOTAL_CENTS)
      return answer
    },
    onePast: async () => {
      const dear = await extremeProduct({ stock: MAX_QUANTITY_PER_LINE, priceCents: MAX_PRICE_CENTS })
      const cent = await createProduct({ stock: 5, priceCents: 1 })
      return refusedCheckout(
        await shopper(),
        orderInput([{ productId: dear, quantity: MAX_QUANTITY_PER_LINE }, { productId: cent, quantity: 1 }]),
      )
    },
    message: new RegExp(`An order can come to at most \\${usd(MAX_ORDER_TOTAL_CENTS)}; this one is \\${usd(MAX_ORDER_TOTAL_CENTS + 1)}`),
  },
  {
    limit: `checkout: email at most ${EMAIL_MAX} characters`,
    atLimit: async () => {
      const productId = await createProduct({ stock: 5 })
      return (await shopper()).mutate('checkout.placeOrder', orderInput([{ productId, quantity: 1 }], { email: emailOfLength(EMAIL_MAX) }))
    },
    onePast: async () => {
      const productId = await createProduct({ stock: 5 })
      return refusedCheckout(await shopper(), orderInput([{ productId, quantity: 1 }], { email: emailOfLength(EMAIL_MAX + 1) }))
    },
    message: new RegExp(`at most ${EMAIL_MAX} characters`),
  },
  {
    limit: `checkout: email local part at most ${EMAIL_LOCAL_PART_MAX} characters`,
    atLimit: async () => {
      const productId = await createProduct({ stock: 5 })
      return (await shopper()).mutate('checkout.placeOrder', orderInput([{ productId, quantity: 1 }], { email: `${'l'.repeat(EMAIL_LOCAL_PART_MAX)}@example.com` }))
    },
    onePast: async () => {
      const productId = await createProduct({ stock: 5 })
      return refusedCheckout(await shopper(), orderInput([{ productId, quantity: 1 }], { email: `${'l'.repeat(EMAIL_LOCAL_PART_MAX + 1)}@example.com` }))
    },
    message: /Enter a valid email address/,
  },
  {
    limit: `checkout: name at most ${NAME_MAX} characters`,
    atLimit: async () => {
      const productId = await createProduct({ stock: 5 })
      return (await shopper()).mutate('checkout.placeOrder', orderInput([{ productId, quantity: 1 }], { shippingName: 'N'.repeat(NAME_MAX) }))
    },
    onePast: async () => {
      const productId = await createProduct({ stock: 5 })
      return refusedCheckout(await shopper(), orderInput([{ productId, quantity: 1 }], { shippingName: 'N'.repeat(NAME_MAX + 1) }))
    },
    message: new RegExp(`Name is at most ${NAME_MAX} characters`),
  },
  {
    limit: `checkout: address at most ${ADDRESS_MAX} characters`,
    atLimit: async () => {
      const productId = await createProduct({ stock: 5 })
      return (await shopper()).mutate('checkout.placeOrder', orderInput([{ productId, quantity: 1 }], { shippingAddress: 'A'.repeat(ADDRESS_MAX) }))
    },
    onePast: async () => {
      const productId = await createProduct({ stock: 5 })
      return refusedCheckout(await shopper(), orderInput([{ productId, quantity: 1 }], { shippingAddress: 'A'.repeat(ADDRESS_MAX + 1) }))
    },
    message: new RegExp(`Address is at most ${ADDRESS_MAX} characters`),
  },
  {
    limit: `checkout: idempotency key at most ${IDEMPOTENCY_KEY_MAX} characters`,
    atLimit: async () => {
      const productId = await createProduct({ stock: 5 })
      return (await shopper()).mutate('checkout.placeOrder', orderInput([{ productId, quantity: 1 }], { idempotencyKey: token(IDEMPOTENCY_KEY_MAX) }))
    },
    onePast: async () => {
      const productId = await createProduct({ stock: 5 })
      return refusedCheckout(await shopper(), orderInput([{ productId, quantity: 1 }], { idempotencyKey: token(IDEMPOTENCY_KEY_MAX + 1) }))
    },
    message: new RegExp(`idempotencyKey must be ${IDEMPOTENCY_KEY_MIN}-${IDEMPOTENCY_KEY_MAX}`),
  },
  {
    limit: `checkout: idempotency key at least ${IDEMPOTENCY_KEY_MIN} characters`,
    atLimit: async () => {
      const productId = await createProduct({ stock: 5 })
      return (await shopper()).mutate('checkout.placeOrder', orderInput([{ productId, quantity: 1 }], { idempotencyKey: token(IDEMPOTENCY_KEY_MIN) }))
    },
    onePast: async () => {
      const productId = await createProduct({ stock: 5 })
      return refusedCheckout(await shopper(), orderInput([{ productId, quantity: 1 }], { idempotencyKey: token(IDEMPOTENCY_KEY_MIN - 1) }))
    },
    message: new RegExp(`idempotencyKey must be ${IDEMPOTENCY_KEY_MIN}-${IDEMPOTENCY_KEY_MAX}`),
  },
  {
    limit: `tRPC request body at most ${MAX_TRPC_BODY_BYTES} bytes`,
    atLimit: async () => {
      const productId = await createProduct({ stock: 5 })
      const s = await shopper()
      return s.mutate('checkout.placeOrder', undefined, paddedBody(orderInput([{ productId, quantity: 1 }]), MAX_TRPC_BODY_BYTES))
    },
    onePast: async () => {
      const productId = await createProduct({ stock: 5 })
      const input = orderInput([{ productId, quantity: 1 }])
      return refusedCheckout(await shopper(), input, paddedBody(input, MAX_TRPC_BODY_BYTES + 1))
    },
    refusedStatus: 413,
    message: new RegExp(`larger than ${MAX_TRPC_BODY_BYTES} bytes`),
  },
  ...(
    [
      ['priceCents', MAX_PRICE_CENTS, MAX_PRICE_CENTS + 1, new RegExp(`priceCents is at most ${MAX_PRICE_CENTS}`)],
      ['name', 'P'.repeat(PRODUCT_NAME_MAX), 'P'.repeat(PRODUCT_NAME_MAX + 1), new RegExp(`name is at most ${PRODUCT_NAME_MAX} characters`)],
      ['description', 'D'.repeat(PRODUCT_DESCRIPTION_MAX), 'D'.repeat(PRODUCT_DESCRIPTION_MAX + 1), new RegExp(`description is at most ${PRODUCT_DESCRIPTION_MAX} characters`)],
    ] as const
  ).map(([field, at, past, message]): Edge => ({
    limit: `admin product edit: ${field} at most ${typeof at === 'string' ? `${at.length} characters` : at}`,
    atLimit: async () => {
      return (await adminOnce()).mutate('catalog.updateProduct', { id: await extremeProduct({ stock: 5 }), patch: { [field]: at } })
    },
    onePast: async () => {
      const admin = await adminOnce()
      const id = await createProduct({ stock: 5 })
      const before = await productRow(id)
      const answer = await admin.mutate('catalog.updateProduct', { id, patch: { [field]: past } })
      return { answer, before, after: await productRow(id) }
    },
    message,
  })),
  {
    limit: `admin stock change: stock at most ${MAX_STOCK}`,
    atLimit: async () => (await adminOnce()).mutate('inventory.changeStock', { productId: await extremeProduct({ stock: 5 }), delta: MAX_STOCK - 5 }),
    onePast: async () => {
      const admin = await adminOnce()
      const productId = await createProduct({ stock: 5 })
      const before = await productRow(productId)
      const answer = await admin.mutate('inventory.changeStock', { productId, delta: MAX_STOCK - 4 })
      return { answer, before, after: await productRow(productId) }
    },
    message: new RegExp(`stock is at most ${MAX_STOCK}`),
  },
  {
    limit: `search: at most ${SEARCH_QUERY_MAX} characters`,
    atLimit: async () => (await shopper()).query('catalog.search', { q: 'q'.repeat(SEARCH_QUERY_MAX) }),
    onePast: async () => ({ answer: await (await shopper()).query('catalog.search', { q: 'q'.repeat(SEARCH_QUERY_MAX + 1) }), before: null, after: null }),
    message: new RegExp(`Search for at most ${SEARCH_QUERY_MAX} characters`),
  },
  {
    limit: `hot deals: at most ${HOT_DEALS_MAX} per request`,
    atLimit: async () => (await shopper()).query('catalog.hotDeals', { limit: HOT_DEALS_MAX }),
    onePast: async () => ({ answer: await (await shopper()).query('catalog.hotDeals', { limit: HOT_DEALS_MAX + 1 }), before: null, after: null }),
    message: new RegExp(`limit is at most ${HOT_DEALS_MAX}`),
  },
  {
    limit: `category listing: page at most ${CATEGORY_MAX_PAGE}`,
    // Accepted by validation; no category has that many pages, so the answer is a 404 naming the page count.
    atLimit: async () => {
      const [category] = await sql<{ slug: string }>('SELECT slug FROM "Category" ORDER BY position LIMIT 1')
      return (await shopper()).query('catalog.category', { slug: category!.slug, page: CATEGORY_MAX_PAGE })
    },
    acceptedStatus: 404,
    acceptedMessage: /has \d+ pages/,
    onePast: async () => {
      const [category] = await sql<{ slug: string }>('SELECT slug FROM "Category" ORDER BY position LIMIT 1')
      return { answer: await (await shopper()).query('catalog.category', { slug: category!.slug, page: CATEGORY_MAX_PAGE + 1 }), before: null, after: null }
    },
    message: new RegExp(`page is at most ${CATEGORY_MAX_PAGE}`),
  },
]

describe('every limit at its edge', () => {
  it('at the limit → accepted; one past → a clear 4xx and nothing written', async () => {
    for (const edge of edges) {
      const accepted = await edge.atLimit()
      const acceptedMessage = await messageOf(accepted)
      expect.soft(statusOf(accepted), `${edge.limit}: at the limit → ${acceptedMessage}`).toBe(edge.acceptedStatus ?? 200)
      if (edge.acceptedMessage) expect.soft(acceptedMessage, `${edge.limit}: at the limit`).toMatch(edge.acceptedMessage)

      const { answer, before, after } = await edge.onePast()
      const message = await messageOf(answer)
      expect.soft(statusOf(answer), `${edge.limit}: one past → ${message}`).toBe(edge.refusedStatus ?? 400)
      expect.soft(message, `${edge.limit}: the refusal names the limit`).toMatch(edge.message)
      expect.soft(after, `${edge.limit}: one past wrote something`).toEqual(before)
    }
  })

  it('the issue\'s example: three products at the price maximum, 10 of each → a clear 400, stock untouched (was a 500: integer out of range)', async () => {
    const ids = await Promise.all([0, 1, 2].map(() => extremeProduct({ stock: MAX_QUANTITY_PER_LINE, priceCents: MAX_PRICE_CENTS })))
    const { answer, before, after } = await refusedCheckout(
      await shopper(),
      orderInput(ids.map((productId) => ({ productId, quantity: MAX_QUANTITY_PER_LINE }))),
    )
    expect(answer.status).toBe(400)
    expect(answer.error?.message).toBe(
      `An order can come to at most ${usd(MAX_ORDER_TOTAL_CENTS)}; this one is ${usd(3 * MAX_PRICE_CENTS * MAX_QUANTITY_PER_LINE)}. Split it into smaller orders.`,
    )
    expect(answer.error?.details).toEqual({ totalCents: 3 * MAX_PRICE_CENTS * MAX_QUANTITY_PER_LINE, maxTotalCents: MAX_ORDER_TOTAL_CENTS })
    expect(after).toEqual(before)
  })
})

describe('limits in combination', () => {
  /** Largest value a column can hold: integers by type, text by declared length. */
  async function capacity(table: string, column: string): Promise<number> {
    const [row] = await sql<{ data_type: string; character_maximum_length: number | null }>(
      `SELECT data_type, character_maximum_length FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
      [table, column],
    )
    if (!row) throw new Error(`no column "${table}"."${column}"`)
    if (row.data_type === 'integer') return INT4_MAX
    if (row.data_type === 'bigint') return Number.MAX_SAFE_INTEGER // what our JavaScript can carry exactly
    if (row.character_maximum_length !== null) return row.character_maximum_length
    throw new Error(`"${table}"."${column}" is ${row.data_type}: add its capacity here`)
  }

  const stored: Array<[table: string, column: string, largest: number, what: string]> = [
    ['Product', 'id', productIdSchema.maxValue!, 'productId input maximum'],
    ['Product', 'priceCents', MAX_PRICE_CENTS, 'MAX_PRICE_CENTS'],
    ['Product', 'stock', MAX_STOCK, 'MAX_STOCK'],
    ['Product', 'name', PRODUCT_NAME_MAX, 'PRODUCT_NAME_MAX'],
    ['OrderLine', 'unitPriceCents', MAX_PRICE_CENTS, 'MAX_PRICE_CENTS'],
    ['OrderLine', 'quantity', MAX_QUANTITY_PER_LINE, 'MAX_QUANTITY_PER_LINE'],
    ['OrderLine', 'name', PRODUCT_NAME_MAX, 'PRODUCT_NAME_MAX (the name as sold)'],
    ['Order', 'totalCents', MAX_ORDER_TOTAL_CENTS, 'MAX_ORDER_TOTAL_CENTS'],
    ['Order', 'email', EMAIL_MAX, 'EMAIL_MAX (ASCII form)'],
    ['Order', 'shippingName', NAME_MAX, 'NAME_MAX'],
    ['Order', 'shippingAddress', ADDRESS_MAX, 'ADDRESS_MAX'],
    ['Order', 'idempotencyKey', IDEMPOTENCY_KEY_MAX, 'IDEMPOTENCY_KEY_MAX'],
    ['PaymentCharge', 'amountCents', MAX_ORDER_TOTAL_CENTS, 'MAX_ORDER_TOTAL_CENTS (one charge per order)'],
  ]

  it('every limit fits the column that stores it', async () => {
    for (const [table, column, largest, what] of stored) {
      expect.soft(largest, `"${table}"."${column}" cannot hold ${what} = ${largest}`).toBeLessThanOrEqual(await capacity(table, column))
    }
  })

  it('limits that multiply stay consistent: a full line of the dearest product is buyable, carts total exactly in JavaScript', () => {
    expect(MAX_PRICE_CENTS * MAX_QUANTITY_PER_LINE).toBeLessThanOrEqual(MAX_ORDER_TOTAL_CENTS)
    // The cart subtotal is summed in JavaScript before checkout refuses it.
    expect(MAX_PRICE_CENTS * MAX_QUANTITY_PER_LINE * MAX_CART_LINES).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER)
    expect(Number.isSafeInteger(MAX_ORDER_TOTAL_CENTS)).toBe(true)
  })
})
