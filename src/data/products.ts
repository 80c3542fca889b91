/** All SQL about products: lookups by id, the filtered and sorted catalog list, pages per seller or category. */
import { and, eq, getTableColumns, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { productsFts } from '../db/fts.js';
import { products, type ProductRow } from '../db/schema.js';
import type { PageRequest, SortKey } from '../pagination.js';
import { rowsByIds } from './byIds.js';
import { after, countsByParent, orderBy, windowedPage, type Ordering } from './keyset.js';

/** Orders served from an index each. POPULAR (most reviewed first) is RELEVANCE when there is no search. */
export const PRODUCT_ORDERS = {
  POPULAR: { columns: [products.reviewCount, products.id], desc: true },
  PRICE_ASC: { columns: [products.pricePaise, products.id], desc: false },
  PRICE_DESC: { columns: [products.pricePaise, products.id], desc: true },
  RATING_DESC: { columns: [products.ratingAvg, products.id], desc: true },
  NEWEST: { columns: [products.createdAt, products.id], desc: true },
} as const satisfies Record<string, Ordering>;

export type ProductOrder = keyof typeof PRODUCT_ORDERS | 'SEARCH_RANK';

/** A product row as listed; `rank` is its bm25 score when the list is ordered by search relevance. */
export type ListedProduct = ProductRow & { rank?: number };

export interface ProductFilter {
  categoryId?: number;
  sellerId?: number;
  /** An FTS5 MATCH expression, already built from the user's words (see `toMatchQuery`). */
  match?: string;
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
}

const KEY_OF: Record<keyof typeof PRODUCT_ORDERS, (p: ProductRow) => number> = {
  POPULAR: (p) => p.reviewCount,
  PRICE_ASC: (p) => p.pricePaise,
  PRICE_DESC: (p) => p.pricePaise,
  RATING_DESC: (p) => p.ratingAvg,
  NEWEST: (p) => p.createdAt,
};

export function productSortKey(order: ProductOrder, p: ListedProduct): SortKey {
  return [order === 'SEARCH_RANK' ? (p.rank ?? 0) : KEY_OF[order](p), p.id];
}

/**
 * Turns free text into an FTS5 query: every word must match (the last one as a prefix, for search-as-you-type).
 * Words are quoted, so FTS5 operators typed by users are plain text. Null when there is no word at all.
 */
export function toMatchQuery(search: string): string | null {
  const words = search.toLowerCase().match(/[\p{L}\p{N}]+/gu)?.slice(0, 12);
  if (!words?.length) return null;
  return words.map((w, i) => (i === words.length - 1 ? `"${w}"*` : `"${w}"`)).join(' ');
}

function where(filter: ProductFilter, includeMatch: boolean): SQL | undefined {
  return and(
    filter.categoryId !== undefined ? eq(products.categoryId, filter.categoryId) : undefined,
    filter.sellerId !== undefined ? eq(products.sellerId, filter.sellerId) : undefined,
    filter.minPrice !== undefined ? gte(products.pricePaise, filter.minPrice) : undefined,
    filter.maxPrice !== undefined ? lte(products.pricePaise, filter.maxPrice) : undefined,
    filter.inStock === true ? sql`${products.stock} > 0` : undefined,
    filter.inStock === false ? eq(products.stock, 0) : undefined,
    includeMatch && filter.match
      ? inArray(products.id, sql`(select rowid from products_fts where products_fts match ${filter.match})`)
      : undefined,
  );
}

export const productsByIds = rowsByIds<ProductRow>(products, products.id);

/** One page of the catalog: `page.first + 1` rows, so the caller can tell whether there is a next page. */
export function findProducts(db: Db, filter: ProductFilter, order: ProductOrder, page: PageRequest): ListedProduct[] {
  if (order === 'SEARCH_RANK' && filter.match) return searchByRank(db, filter, filter.match, page);
  const ordering = PRODUCT_ORDERS[order === 'SEARCH_RANK' ? 'POPULAR' : order];
  return db
    .select()
    .from(products)
    .where(and(where(filter, true), after(ordering, page.after)))
    .orderBy(...orderBy(ordering))
    .limit(page.first + 1)
    .all();
}

/** Best match first: bm25 weighs a word in the title over one in the brand, over one in the description. */
function searchByRank(db: Db, filter: ProductFilter, match: string, page: PageRequest): ListedProduct[] {
  const hits = db
    .select({ id: sql<number>`${productsFts.rowid}`.as('hit_id'), rank: sql<number>`bm25(products_fts, 10.0, 4.0, 1.0)`.as('rank') })
    .from(productsFts)
    .where(sql`products_fts match ${match}`)
    .as('hits');
  const ordering: Ordering = { columns: [hits.rank, products.id], desc: false };
  return db
    .select({ ...getTableColumns(products), rank: hits.rank })
    .from(hits)
    .innerJoin(products, eq(products.id, hits.id))
    .where(and(where(filter, false), after(ordering, page.after)))
    .orderBy(...orderBy(ordering))
    .limit(page.first + 1)
    .all();
}

export function countProducts(db: Db, filter: ProductFilter): number {
  const row = db.select({ n: sql<number>`count(*)` }).from(products).where(where(filter, true)).get();
  return row?.n ?? 0;
}

export type ProductParent = 'sellerId' | 'categoryId';

/** A page of each seller's (or category's) products, most popular first, for many parents in one statement. */
export function productPagesByParent(db: Db, parent: ProductParent, ids: readonly number[], page: PageRequest) {
  return windowedPage<ProductRow>(db, products, products[parent], ids, PRODUCT_ORDERS.POPULAR, page);
}

export function productCountsByParent(db: Db, parent: ProductParent, ids: readonly number[]): Map<number, number> {
  return countsByParent(db, products, products[parent], ids);
}

/** Review aggregates over all of each seller's products: the seller's rating. */
export function sellerRatings(db: Db, sellerIds: readonly number[]): Map<number, number | null> {
  const rows = db
    .select({ sellerId: products.sellerId, sum: sql<number>`sum(${products.ratingSum})`, n: sql<number>`sum(${products.reviewCount})` })
    .from(products)
    .where(inArray(products.sellerId, [...sellerIds]))
    .groupBy(products.sellerId)
    .all();
  return new Map(rows.map((r) => [r.sellerId, r.n > 0 ? r.sum / r.n : null]));
}

export type NewProduct = Omit<ProductRow, 'id' | 'ratingSum' | 'reviewCount' | 'ratingAvg'>;

export function insertProduct(db: Db, product: NewProduct): ProductRow {
  return db.insert(products).values(product).returning().get();
}

export function updateProduct(db: Db, id: number, changes: Partial<NewProduct>): ProductRow | undefined {
  return db.update(products).set(changes).where(eq(products.id, id)).returning().get();
}
