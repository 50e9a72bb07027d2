-- ---------------------------------------------------------------------------
-- Hand-written (catalog search): a GIN index over the weighted full-text vector of a
-- product's name (weight A) and description (weight B). It is an expression index, which
-- schema.prisma cannot express and Prisma Migrate neither generates nor diffs, so it never
-- shows up as drift. server/catalog/catalog.repo.ts must use the SAME expression
-- (PRODUCT_SEARCH_VECTOR) or PostgreSQL will not use this index.
-- Built-in 'english' configuration and to_tsvector only: no extension needed.
-- (No semicolons inside these comments: some script runners split on them.)
-- ---------------------------------------------------------------------------
CREATE INDEX "Product_search_idx" ON "Product" USING GIN (
  (setweight(to_tsvector('english'::regconfig, "name"), 'A') || setweight(to_tsvector('english'::regconfig, "description"), 'B'))
);
