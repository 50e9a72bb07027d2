/** Cart use cases. Prices always come from the catalog, never from the client. */
import { getProductSummaries } from '../catalog/catalog.service'
import { AppError } from '../platform/errors'
import { MAX_CART_LINES, MAX_QUANTITY_PER_LINE, type Cart, type CartLine } from './cart.schema'
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
  const sellable = lines.filter((l) => l.available)
  return {
    lines,
    itemCount: sellable.reduce((n, l) => n + l.quantity, 0),
    subtotalCents: sellable.reduce((n, l) => n + l.lineTotalCents, 0),
    currency: lines[0]?.currency ?? 'USD',
    maxQuantityPerLine: MAX_QUANTITY_PER_LINE,
  }
}

/** The shopper-facing refusal for a capped change (store.CART_FULL / store.LINE_FULL), else null. */
function capRefusal(result: number, productName: string): AppError | null {
  if (result === store.CART_FULL) return new AppError('BAD_INPUT', `Your cart can hold at most ${MAX_CART_LINES} different items`)
  if (result === store.LINE_FULL) return new AppError('BAD_INPUT', `You can buy at most ${MAX_QUANTITY_PER_LINE} of ${productName}`)
  return null
}

export async function addToCart(sid: string, productId: number, quantity: number): Promise<Cart> {
  const product = await requireSellable(productId)
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
