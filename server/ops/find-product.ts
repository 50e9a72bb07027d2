/** The product editor's lookup: by id or by the slug from its page address. */
import { getProductForEdit } from '../catalog/catalog.service'
import type { ProductForEdit } from '../catalog/catalog.schema'

/**
 * A product for the edit form, by id or slug: content, content version and live stock read
 * from the primary database (never a cache), inactive products included. Throws NOT_FOUND.
 */
export function findProduct(q: number | string): Promise<ProductForEdit> {
  return getProductForEdit(q)
}
