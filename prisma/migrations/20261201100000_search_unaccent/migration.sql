-- ---------------------------------------------------------------------------
-- Hand-written (accent-insensitive search): shoppers type "creme brulee" for "Crème Brûlée".
-- PostgreSQL's unaccent contrib extension (trusted since PostgreSQL 13, so the database owner
-- may create it, and PGlite ships it as a contrib module that the embedded database loads)
-- strips the accents, in the index and in the query alike.
-- unaccent() is only STABLE (its dictionary could change), and an index expression must be
-- IMMUTABLE, so the index uses an IMMUTABLE wrapper. Its SQL-standard body (RETURN) is bound
-- when the function is created: the dictionary and the function are resolved then, not
-- through the caller's search_path. Changing the unaccent rules later means rebuilding the index.
-- Prisma neither generates nor diffs extensions, functions or expression indexes, so none of
-- this shows up as drift. server/catalog/catalog.repo.ts must use the SAME expression
-- (PRODUCT_SEARCH_VECTOR) or PostgreSQL will not use this index.
-- (No semicolons inside these comments: some script runners split on them.)
-- ---------------------------------------------------------------------------
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE FUNCTION storefront_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN unaccent('unaccent'::regdictionary, $1);

DROP INDEX "Product_search_idx";

CREATE INDEX "Product_search_idx" ON "Product" USING GIN (
  (setweight(to_tsvector('english'::regconfig, storefront_unaccent("name")), 'A') || setweight(to_tsvector('english'::regconfig, storefront_unaccent("description")), 'B'))
);
