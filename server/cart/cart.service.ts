/** Cart use cases. Prices always come from the catalog, never from the client. */
import { getProductSummaries } from '../catalog/catalog.service'
import { AppError } from '../platform/errors'
import { MAX_CART_LINES, MAX_QUANTITY_PER_LINE, type Cart, type CartLine } from './cart.schema'

/** The currency an empty cart shows (the catalog's default, prisma/schema.prisma). */
const DEFAULT_CURRENCY = 'USD'
import * as store from './cart.store'

async function requireSellable(productId: number) {
  const product = (await getProductSummaries([productId])).get(productId)
  if (!product) throw new AppError('NOT_FOUND', `Product ${productId} does not exist`)
  if (!product.active) throw new AppError('CONFLICT', `${product.name} is no longer for sale`)
  return product
}

export async function getCart(sid: string): Promise<Cart> {
  const quantities = await store.readCart(sid)
  const products = await getProductSummaries([...quantities.keys()])
  const lines: CartLine[] = []
  for (const [productId, quantity] of quantities) {
    const p = products.get(productId)
    if (!p) continue // deleted from the catalog: nothing to show or sell
    lines.push({
      productId,
      slug: p.slug,
      name: p.name,
      imageUrl: p.imageUrl,
      priceCents: p.priceCents,
      currency: p.currency,
      quantity,
      lineTotalCents: p.priceCents * quantity,
      available: p.active,
    })
  }
  lines.sort((a, b) => a.productId - b.productId)
  const currency = lines.find((l) => l.available)?.currency ?? lines[0]?.currency ?? DEFAULT_CURRENCY
  // One order is in one currency (checkout refuses a mix): never add amounts in two of them.
  const sellable = lines.filter((l) => l.available && l.currency === currency)
  return {
    lines,
    itemCount: sellable.reduce((n, l) => n + l.quantity, 0),
    subtotalCents: sellable.reduce((n, l) => n + l.lineTotalCents, 0),
    currency,
    maxQuantityPerLine: MAX_QUANTITY_PER_LINE,
  }
}

/**
 * The refusal of a product priced in another currency than the cart's sellable lines (CONFLICT,
 * details { cartCurrency, productCurrency }), else null: checkout sells one currency per order,
 * so the cart takes no line it could not sell with the rest. Two concurrent adds in different
 * currencies can both pass; checkout still refuses that order (BAD_INPUT), and the subtotal
 * counts only the cart's currency.
 */
function currencyRefusal(cart: Cart, product: { productId: number; name: string; currency: string }): AppError | null {
  const others = cart.lines.filter((l) => l.available && l.productId !== product.productId)
  if (others.length === 0 || others.every((l) => l.currency === product.currency)) return null
  return new AppError(
    'CONFLICT',
    `${product.name} is priced in ${product.currency}, and your cart in ${cart.currency}: one order is paid in one currency. Check out or remove those items first.`,
    { details: { cartCurrency: cart.currency, productCurrency: product.currency } },
  )
}

/** The shopper-facing refusal for a capped change (store.CART_FULL / store.LINE_FULL), else null. */
function capRefusal(result: number, productName: string): AppError | null {
  if (result === store.CART_FULL) return new AppError('BAD_INPUT', `Your cart can hold at most ${MAX_CART_LINES} different items`)
  if (result === store.LINE_FULL) return new AppError('BAD_INPUT', `You can buy at most ${MAX_QUANTITY_PER_LINE} of ${productName}`)
  return null
}

export async function addToCart(sid: string, productId: number, quantity: number): Promise<Cart> {
  const product = await requireSellable(productId)
  const mixed = currencyRefusal(await getCart(sid), { productId, name: product.name, currency: product.currency })
  if (mixed) throw mixed
  const refusal = capRefusal(await store.addQuantity(sid, productId, quantity), product.name)
  if (refusal) throw refusal
  return getCart(sid)
}

export async function setQuantity(sid: string, productId: number, quantity: number): Promise<Cart> {
  const product = await requireSellable(productId)
  const refusal = capRefusal(await store.setLineQuantity(sid, productId, quantity), product.name)
  if (refusal) throw refusal
  return getCart(sid)
}

export async function removeFromCart(sid: string, productId: number): Promise<Cart> {
  await store.removeLines(sid, [productId])
  return getCart(sid)
}

/** Called by checkout after an order commits: the bought lines leave the cart. */
export async function removePurchasedLines(sid: string, productIds: number[]): Promise<void> {
  await store.removeLines(sid, productIds)
}
