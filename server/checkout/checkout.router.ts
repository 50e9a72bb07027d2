/**
 * checkout.placeOrder: rate-limited per session (fail closed), zod in and out, one service call;
 * its answer is the placed order or a place in the waiting room's line (QUEUED); the client's
 * rate-limit key goes with it (the room caps the places one client address holds).
 * checkout.pollTicket / checkout.leaveLine: the waiting room's follow-ups (server/waiting-room),
 * rate-limited per session by the generous `waitingRoom` policy.
 */
import { clientRateKey } from '../platform/client-identity'
import { createTRPCRouter, rateLimited } from '../trpc/init'
import { leaveLine, pollTicket } from '../waiting-room/waiting-room.service'
import { leaveLineInput, pollTicketInput, pollTicketOutput } from '../waiting-room/waiting-room.schema'
import { z } from 'zod'
import { placeOrderInput, placeOrderOutput } from './checkout.schema'
import { placeOrder } from './place-order'

export const leaveLineOutput = z.object({ left: z.literal(true) })

export const checkoutRouter = createTRPCRouter({
  placeOrder: rateLimited('checkout')
    .input(placeOrderInput)
    .output(placeOrderOutput)
    .mutation(({ ctx, input }) => placeOrder(ctx.sid, input, ctx.client ? clientRateKey(ctx.client.address) : null)),
  pollTicket: rateLimited('waitingRoom')
    .input(pollTicketInput)
    .output(pollTicketOutput)
    .query(({ ctx, input }) => pollTicket(ctx.sid, input.ticket)),
  leaveLine: rateLimited('waitingRoom')
    .input(leaveLineInput)
    .output(leaveLineOutput)
    .mutation(({ ctx, input }) => leaveLine(ctx.sid, input.ticket)),
})
