-- DropIndex
DROP INDEX "Order_idempotencyKey_key";

-- CreateIndex
CREATE UNIQUE INDEX "Order_sessionId_idempotencyKey_key" ON "Order"("sessionId", "idempotencyKey");
