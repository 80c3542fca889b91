-- Full-text search over title, brand and description (ProductFilter.search), kept in step by triggers.
-- External-content FTS5: the index stores no second copy of the text.
CREATE VIRTUAL TABLE `products_fts` USING fts5(
  title, brand, description,
  content='products', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `products_fts_ai` AFTER INSERT ON `products` BEGIN
  INSERT INTO products_fts(rowid, title, brand, description) VALUES (new.id, new.title, coalesce(new.brand, ''), new.description);
END;
--> statement-breakpoint
CREATE TRIGGER `products_fts_ad` AFTER DELETE ON `products` BEGIN
  INSERT INTO products_fts(products_fts, rowid, title, brand, description) VALUES ('delete', old.id, old.title, coalesce(old.brand, ''), old.description);
END;
--> statement-breakpoint
CREATE TRIGGER `products_fts_au` AFTER UPDATE OF title, brand, description ON `products` BEGIN
  INSERT INTO products_fts(products_fts, rowid, title, brand, description) VALUES ('delete', old.id, old.title, coalesce(old.brand, ''), old.description);
  INSERT INTO products_fts(rowid, title, brand, description) VALUES (new.id, new.title, coalesce(new.brand, ''), new.description);
END;
