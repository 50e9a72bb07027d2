/**
 * The admin's stock levers, applied next to concurrent sales without a version:
 *  - `changeStock(productId, delta)`: "+50" / "−10" as one guarded UPDATE (never a lost
 *    update, never below zero: refused with the current stock in the message);
 *  - `stopSelling(productId)`: stock to 0 in one statement, whatever sales left.
 * Then every layer that decides what a shopper may do hears of it before the answer: the
 * sold-out gate (reopened for a restock, closed at a zero, both sequenced by `restockSeq`)
 * and the stock entry behind the badge. Within PROPAGATION_DEADLINE_MS (catalog/propagation.ts).
 */
import { invalidateProductStock } from '../catalog/catalog.service'
import { MAX_STOCK, type Propagation } from '../catalog/catalog.schema'
import { withTransaction } from '../platform/transaction'
import { AppError } from '../platform/errors'
import { logger } from '../platform/logger'
import * as repo from './inventory.repo'
import type { StockChangeOutput } from './inventory.schema'
import { closeSoldOutGates, reopenSoldOutGates } from './sold-out-gate'

const log = logger.child({ module: 'change-stock' })

async function propagate(productId: number, name: string, after: repo.StockAfter, raised: boolean): Promise<Propagation> {
  const [gate, badge] = await Promise.all([
    raised
      ? reopenSoldOutGates([{ productId, restockSeq: after.restockSeq }])
      : after.stock === 0
        ? closeSoldOutGates([{ id: productId, name, restockSeq: after.restockSeq }]).then(() => 'done' as const)
        : ('done' as const),
    invalidateProductStock(productId),
  ])
  return gate === 'retrying' || badge === 'retrying' ? 'retrying' : 'complete'
}

/**
 * Adds `delta` units (negative: removes) to product `productId`'s stock, atomically next to
 * concurrent sales. Throws NOT_FOUND for an unknown product, BAD_INPUT when the stock would
 * pass MAX_STOCK, and CONFLICT (with `currentStock`) when removing more than is on the shelf.
 */
export async function changeStock(productId: number, delta: number): Promise<StockChangeOutput> {
  const after = await withTransaction((client) => repo.applyStockDelta(client, productId, delta, MAX_STOCK))
  if (!after) {
    const current = await withTransaction((client) => repo.readStock(client, productId))
    if (!current) throw new AppError('NOT_FOUND', `No product ${productId}`)
    if (delta > 0) {
      throw new AppError('BAD_INPUT', `stock is at most ${MAX_STOCK}: ${current.name} has ${current.stock}, so add at most ${Math.max(0, MAX_STOCK - current.stock)}.`, {
        details: { currentStock: current.stock, delta, maxStock: MAX_STOCK },
      })
    }
    const hint = current.stock > 0 ? ` Remove at most ${current.stock}, or use "stop selling".` : ''
    throw new AppError('CONFLICT', `Cannot remove ${-delta} units of ${current.name}: the current stock is ${current.stock}.${hint}`, {
      details: { currentStock: current.stock, delta },
    })
  }
  const propagation = await propagate(productId, after.name, after, delta > 0)
  log.info({ productId, delta, stock: after.stock, restockSeq: after.restockSeq, propagation }, 'stock changed')
  return { productId, name: after.name, previousStock: after.stock - delta, stock: after.stock, propagation }
}

/** Stops selling product `productId`: stock to 0 and the sold-out gate closed. Throws NOT_FOUND. */
export async function stopSelling(productId: number): Promise<StockChangeOutput> {
  const after = await withTransaction((client) => repo.clampStockToZero(client, productId))
  if (!after) throw new AppError('NOT_FOUND', `No product ${productId}`)
  const propagation = await propagate(productId, after.name, after, false)
  log.info({ productId, removed: after.before, propagation }, 'stopped selling')
  return { productId, name: after.name, previousStock: after.before, stock: 0, propagation }
}
