/**
 * Thin tRPC surface of the catalog: input/output schemas plus one service call each. Every
 * read counts against `browse` per client; search against `search` too (server/platform/ratelimit.ts).
 */
import { z } from 'zod'
import { adminProcedure, browseProcedure, createTRPCRouter, searchProcedure } from '../trpc/init'
import * as catalog from './catalog.service'
import { searchIfEnabled } from './search-if-enabled'
import {
  categoryPage,
  categoryPageInput,
  categorySummary,
  hotDealsInput,
  productBySlugInput,
  productCard,
  productDetail,
  searchInput,
  searchResult,
  stockInput,
  stockStatus,
  updateProductInput,
  updateProductOutput,
} from './catalog.schema'

export const catalogRouter = createTRPCRouter({
  categories: browseProcedure.output(z.array(categorySummary)).query(() => catalog.listCategories()),
  hotDeals: browseProcedure
    .input(hotDealsInput)
    .output(z.array(productCard))
    .query(({ input }) => catalog.listHotDeals(input.limit)),
  category: browseProcedure
    .input(categoryPageInput)
    .output(categoryPage)
    .query(({ input }) => catalog.getCategoryPage(input.slug, input.page, input.sort)),
  product: browseProcedure
    .input(productBySlugInput)
    .output(productDetail)
    .query(({ input }) => catalog.getProductBySlug(input.slug)),
  stock: browseProcedure
    .input(stockInput)
    .output(stockStatus)
    .query(({ input }) => catalog.getStock(input.productId)),
  search: searchProcedure
    .input(searchInput)
    .output(searchResult)
    .query(({ input }) => searchIfEnabled(input.q)),
  updateProduct: adminProcedure
    .input(updateProductInput)
    .output(updateProductOutput)
    .mutation(({ input }) => catalog.updateProduct(input.id, input.patch, input.expectedContentVersion)),
})
