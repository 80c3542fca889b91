-- Full-text search over title, brand and description (ProductFilter.search): a weighted tsvector kept by the
-- database itself (a stored generated column), title (A) over brand (B) over description (C), and a GIN index.
-- The 'simple' configuration lower-cases and splits words without stemming, like SQLite's unicode61 tokenizer,
-- so both engines match the same words; prefix queries (`word:*`) serve search-as-you-type.
ALTER TABLE "products" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', "title"), 'A')
  || setweight(to_tsvector('simple', coalesce("brand", '')), 'B')
  || setweight(to_tsvector('simple', "description"), 'C')
) STORED;
--> statement-breakpoint
CREATE INDEX "products_search_idx" ON "products" USING gin ("search_vector");
