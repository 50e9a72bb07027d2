-- CreateEnum
CREATE TYPE "PaymentChargeStatus" AS ENUM ('SUCCEEDED', 'DECLINED', 'VOIDED');

-- CreateTable
CREATE TABLE "PaymentCharge" (
    "orderId" UUID NOT NULL,
    "status" "PaymentChargeStatus" NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "declineCode" VARCHAR(60),
    "requests" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PaymentCharge_pkey" PRIMARY KEY ("orderId")
);

-- ---------------------------------------------------------------------------
-- Hand-written: CHECK constraints, which schema.prisma cannot express.
-- ---------------------------------------------------------------------------

-- A charge is for zero or more cents, and every row was requested at least once.
ALTER TABLE "PaymentCharge" ADD CONSTRAINT "PaymentCharge_amount_nonnegative" CHECK ("amountCents" >= 0);
ALTER TABLE "PaymentCharge" ADD CONSTRAINT "PaymentCharge_requests_positive" CHECK ("requests" >= 1);
