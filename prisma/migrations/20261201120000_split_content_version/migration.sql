-- What a product says and how many are left are separate concerns (issue 12):
--  - "contentVersion" guards content edits (price, name, description, active, hot). It is the
--    old "version" column, renamed: sales used to bump it on every order, which made a selling
--    product impossible to edit. Sales and stock changes no longer touch it.
--  - "restockSeq" counts the statements that put units back (admin restock, released order).
--    A sold-out gate in Redis may only close for a zero at least this new.
-- Hand-written as a RENAME (Prisma's diff would drop and re-add the column, losing versions).
-- (No semicolons inside these comments: some script runners split on them.)

ALTER TABLE "Product" RENAME COLUMN "version" TO "contentVersion";
ALTER TABLE "Product" RENAME CONSTRAINT "Product_version_positive" TO "Product_contentVersion_positive";
ALTER TABLE "Product" ADD COLUMN "restockSeq" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Product" ADD CONSTRAINT "Product_restockSeq_nonnegative" CHECK ("restockSeq" >= 0);
