/** The product editor's lookup: by id or by the slug from its page address, with live stock. */
import { getProduct, getProductBySlug, getStock } from '../catalog/catalog.service'

/** A product for the edit form, by id or slug, with its live stock and current version. */
export async function findProduct(q: number | string) {
  const product = typeof q === 'number' ? await getProduct(q) : await getProductBySlug(q)
  const { stock } = await getStock(product.id)
  return {
    id: product.id,
    slug: product.slug,
    name: product.name,
    priceCents: product.priceCents,
    currency: product.currency,
    stock,
    version: product.version,
  }
}
