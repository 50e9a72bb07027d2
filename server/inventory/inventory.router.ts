/** The admin's stock levers over tRPC: schemas plus one service call each. */
import { adminProcedure, createTRPCRouter } from '../trpc/init'
import { changeStock, stopSelling } from './change-stock'
import { stockChangeInput, stockChangeOutput, stopSellingInput } from './inventory.schema'

export const inventoryRouter = createTRPCRouter({
  changeStock: adminProcedure
    .input(stockChangeInput)
    .output(stockChangeOutput)
    .mutation(({ input }) => changeStock(input.productId, input.delta)),
  stopSelling: adminProcedure
    .input(stopSellingInput)
    .output(stockChangeOutput)
    .mutation(({ input }) => stopSelling(input.productId)),
})
