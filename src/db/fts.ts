/**
 * The FTS5 table behind product search, described for drizzle's query builder only. It is created by the custom
 * migration `0001_products_search.sql` (drizzle-kit cannot model virtual tables), so it stays out of schema.ts.
 */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const productsFts = sqliteTable('products_fts', {
  rowid: integer('rowid').notNull(),
  title: text('title'),
  brand: text('brand'),
  description: text('description'),
});
