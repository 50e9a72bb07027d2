/** Thin tRPC surface of the catalog: input/output schemas plus one service call each. */
import { z } from 'zod'
import { adminProcedure, createTRPCRouter, publicProcedure } from '../trpc/init'
import * as catalog from './catalog.service'
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
  categories: publicProcedure.output(z.array(categorySummary)).query(() => catalog.listCategories()),
  hotDeals: publicProcedure
    .input(hotDealsInput)
    .output(z.array(productCard))
    .query(({ input }) => catalog.listHotDeals(input.limit)),
  category: publicProcedure
    .input(categoryPageInput)
    .output(categoryPage)
    .query(({ input }) => catalog.getCategoryPage(input.slug, input.page, input.sort)),
  product: publicProcedure
    .input(productBySlugInput)
    .output(productDetail)
    .query(({ input }) => catalog.getProductBySlug(input.slug)),
  stock: publicProcedure
    .input(stockInput)
    .output(stockStatus)
    .query(({ input }) => catalog.getStock(input.productId)),
  search: publicProcedure
    .input(searchInput)
    .output(searchResult)
    .query(({ input }) => catalog.searchProducts(input.q)),
  updateProduct: adminProcedure
    .input(updateProductInput)
    .output(updateProductOutput)
    .mutation(({ input }) => catalog.updateProduct(input.id, input.patch, input.expectedContentVersion)),
})
