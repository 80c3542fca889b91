/** All SQL about products: lookups by id, the filtered and sorted catalog list, pages per seller or category. */
import { getTableColumns } from 'drizzle-orm';
import { statement, type Dialect, type Param, type Queryable, type Statement } from '../db/engine.js';
import { products, type ProductRow } from '../db/schema.js';
import type { PageRequest, SortKey } from '../pagination.js';
import { after, countsByParent, countsOf, orderBy, pageParams, pagesOf, parentPages, type Ordering } from './keyset.js';
import { byIds, idIn, LIMIT_PARAM, memo, perDialect, selectList } from './sql.js';

/** Orders served from an index each. POPULAR (most reviewed first) is RELEVANCE when there is no search. */
export const PRODUCT_ORDERS = {
  POPULAR: { columns: ['"review_count"', '"id"'], desc: true },
  PRICE_ASC: { columns: ['"price_paise"', '"id"'], desc: false },
  PRICE_DESC: { columns: ['"price_paise"', '"id"'], desc: true },
  RATING_DESC: { columns: ['"rating_avg"', '"id"'], desc: true },
  NEWEST: { columns: ['"created_at"', '"id"'], desc: true },
} as const satisfies Record<string, Ordering>;

export type ProductOrder = keyof typeof PRODUCT_ORDERS | 'SEARCH_RANK';

/** A product row as listed; `rank` is its search score when the list is ordered by search relevance. */
export type ListedProduct = ProductRow & { rank?: number };

export interface ProductFilter {
  categoryId?: number;
  sellerId?: number;
  /** The user's search words (see `searchWords`): every one must match, the last as a prefix. */
  words?: string[];
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

/** The words of a search box's text, lower-cased, at most 12; null when there is no word at all. */
export function searchWords(search: string): string[] | null {
  const words = search.toLowerCase().match(/[\p{L}\p{N}]+/gu)?.slice(0, 12);
  return words?.length ? words : null;
}

/**
 * The words as each engine's query: FTS5 `"a" "b"*` (quoted, so FTS5 operators typed by users are plain text),
 * tsquery `'a' & 'b':*`. Words hold only letters and digits, so neither needs escaping.
 */
function searchQuery(dialect: Dialect, words: readonly string[]): string {
  const last = words.length - 1;
  return dialect === 'sqlite'
    ? words.map((w, i) => (i === last ? `"${w}"*` : `"${w}"`)).join(' ')
    : words.map((w, i) => (i === last ? `'${w}':*` : `'${w}'`)).join(' & ');
}

/** SQLite's JSON `images` text becomes an array (PostgreSQL's jsonb arrives parsed). */
export function mapProduct(raw: Record<string, unknown>): ProductRow {
  if (typeof raw.images === 'string') raw.images = JSON.parse(raw.images);
  return raw as unknown as ProductRow;
}

const PRODUCTS_BY_IDS = byIds('products.byIds', products, '"id"', { map: mapProduct });
export const productsByIds = (db: Queryable, ids: readonly number[]) => db.all(PRODUCTS_BY_IDS, [ids]);

// ---- The filtered catalog list. Its text depends on which filters are set: one statement per shape. ----

/** Which filters are set, as a short key: `c` category, `s` seller, `l`/`h` price bounds, `i`/`o` stock, `m` match. */
function shapeOf(f: ProductFilter, withMatch: boolean): string {
  return (
    (f.categoryId !== undefined ? 'c' : '') +
    (f.sellerId !== undefined ? 's' : '') +
    (f.minPrice !== undefined ? 'l' : '') +
    (f.maxPrice !== undefined ? 'h' : '') +
    (f.inStock === true ? 'i' : f.inStock === false ? 'o' : '') +
    (withMatch && f.words ? 'm' : '')
  );
}

/** The conditions of a shape, in the order `filterParams` binds them. */
function conditions(shape: string, d: Dialect, p: string): string[] {
  const c: string[] = [];
  if (shape.includes('c')) c.push(`${p}"category_id" = ?`);
  if (shape.includes('s')) c.push(`${p}"seller_id" = ?`);
  if (shape.includes('l')) c.push(`${p}"price_paise" >= ?`);
  if (shape.includes('h')) c.push(`${p}"price_paise" <= ?`);
  if (shape.includes('i')) c.push(`${p}"stock" > 0`);
  if (shape.includes('o')) c.push(`${p}"stock" = 0`);
  if (shape.includes('m')) {
    c.push(
      d === 'sqlite'
        ? `${p}"id" IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ?)`
        : `${p}"search_vector" @@ to_tsquery('simple', ?)`,
    );
  }
  return c;
}

function filterParams(f: ProductFilter, dialect: Dialect, withMatch: boolean): Param[] {
  const params: Param[] = [];
  if (f.categoryId !== undefined) params.push(f.categoryId);
  if (f.sellerId !== undefined) params.push(f.sellerId);
  if (f.minPrice !== undefined) params.push(f.minPrice);
  if (f.maxPrice !== undefined) params.push(f.maxPrice);
  if (withMatch && f.words) params.push(searchQuery(dialect, f.words));
  return params;
}

const where = (conds: string[]) => (conds.length ? ` WHERE ${conds.join(' AND ')}` : '');

type ListKey = `${keyof typeof PRODUCT_ORDERS}|${string}|${'first' | 'after'}`;

const listStatement = memo((key: ListKey): Statement<ListedProduct> => {
  const [order, shape, page] = key.split('|') as [keyof typeof PRODUCT_ORDERS, string, string];
  const ordering = PRODUCT_ORDERS[order];
  return statement(
    `products.list.${order}.${shape || 'all'}${page === 'after' ? ':after' : ''}`,
    perDialect((d) => {
      const conds = conditions(shape, d, '');
      if (page === 'after') conds.push(after(ordering));
      return `SELECT ${selectList(products)} FROM "products"${where(conds)} ORDER BY ${orderBy(ordering)} ${LIMIT_PARAM[d]}`;
    }),
    mapProduct,
  );
});

/**
 * Best match first. SQLite: FTS5's bm25 weighs a word in the title over one in the brand over one in the
 * description (lower is better). PostgreSQL: `ts_rank` over the stored weighted `search_vector` (A title, B brand,
 * C description; higher is better), cast to float8 so a cursor's rank round-trips exactly.
 */
const SEARCH_ORDER: Record<Dialect, Ordering> = {
  sqlite: { columns: ['hits.rank', 'p."id"'], desc: false },
  postgres: { columns: ['ts_rank(p."search_vector", q)::float8', 'p."id"'], desc: true },
};

const searchStatement = memo((key: `${string}|${'first' | 'after'}`): Statement<ListedProduct> => {
  const [shape, page] = key.split('|') as [string, string];
  const conds = (d: Dialect) => [...conditions(shape, d, 'p.'), ...(page === 'after' ? [after(SEARCH_ORDER[d])] : [])];
  return statement(`products.search.${shape || 'all'}${page === 'after' ? ':after' : ''}`, {
    sqlite:
      `SELECT ${selectList(products, 'p')}, hits.rank AS "rank" FROM ` +
      `(SELECT rowid AS hit_id, bm25(products_fts, 10.0, 4.0, 1.0) AS rank FROM products_fts WHERE products_fts MATCH ?) AS hits ` +
      `JOIN "products" AS p ON p."id" = hits.hit_id${where(conds('sqlite'))} ORDER BY ${orderBy(SEARCH_ORDER.sqlite)} ${LIMIT_PARAM.sqlite}`,
    postgres:
      `SELECT ${selectList(products, 'p')}, ts_rank(p."search_vector", q)::float8 AS "rank" ` +
      `FROM "products" AS p, to_tsquery('simple', ?) AS q` +
      `${where(['p."search_vector" @@ q', ...conds('postgres')])} ORDER BY "rank" DESC, p."id" DESC ${LIMIT_PARAM.postgres}`,
  }, mapProduct);
});

const countStatement = memo((shape: string) =>
  statement<{ n: number }>(
    `products.count.${shape || 'all'}`,
    perDialect((d) => `SELECT cast(count(*) AS integer) AS "n" FROM "products"${where(conditions(shape, d, ''))}`),
  ),
);

/** One page of the catalog: `page.first + 1` rows, so the caller can tell whether there is a next page. */
export function findProducts(db: Queryable, filter: ProductFilter, order: ProductOrder, page: PageRequest): Promise<ListedProduct[]> {
  const pageKey = page.after ? 'after' : 'first';
  if (order === 'SEARCH_RANK' && filter.words) {
    const s = searchStatement(`${shapeOf(filter, false)}|${pageKey}`);
    return db.all(s, [searchQuery(db.dialect, filter.words), ...filterParams(filter, db.dialect, false), ...pageParams(page)]);
  }
  const ordering = order === 'SEARCH_RANK' ? 'POPULAR' : order;
  const s = listStatement(`${ordering}|${shapeOf(filter, true)}|${pageKey}`);
  return db.all(s, [...filterParams(filter, db.dialect, true), ...pageParams(page)]);
}

export async function countProducts(db: Queryable, filter: ProductFilter): Promise<number> {
  const row = await db.get(countStatement(shapeOf(filter, true)), filterParams(filter, db.dialect, true));
  return row?.n ?? 0;
}

// ---- Pages and aggregates per seller or category. ----

export type ProductParent = 'sellerId' | 'categoryId';

const PAGES_BY_PARENT = {
  sellerId: parentPages('products.pages.sellerId', products, '"seller_id"', PRODUCT_ORDERS.POPULAR, mapProduct),
  categoryId: parentPages('products.pages.categoryId', products, '"category_id"', PRODUCT_ORDERS.POPULAR, mapProduct),
};
const COUNTS_BY_PARENT = {
  sellerId: countsByParent('products.countsBySeller', products, '"seller_id"'),
  categoryId: countsByParent('products.countsByCategory', products, '"category_id"'),
};
const SELLER_RATINGS = statement<{ sellerId: number; sum: number; n: number }>(
  'products.sellerRatings',
  perDialect(
    (d) =>
      `SELECT "seller_id" AS "sellerId", cast(sum("rating_sum") AS bigint) AS "sum", cast(sum("review_count") AS bigint) AS "n" ` +
      `FROM "products" WHERE ${idIn('"seller_id"')[d]} GROUP BY "seller_id"`,
  ),
);

/** A page of each seller's (or category's) products, most popular first, for many parents in one statement. */
export function productPagesByParent(db: Queryable, parent: ProductParent, ids: readonly number[], page: PageRequest) {
  return pagesOf(db, PAGES_BY_PARENT[parent], parent, ids, page);
}

export function productCountsByParent(db: Queryable, parent: ProductParent, ids: readonly number[]): Promise<Map<number, number>> {
  return countsOf(db, COUNTS_BY_PARENT[parent], ids);
}

/** Review aggregates over all of each seller's products: the seller's rating. */
export async function sellerRatings(db: Queryable, sellerIds: readonly number[]): Promise<Map<number, number | null>> {
  const rows = await db.all(SELLER_RATINGS, [sellerIds]);
  return new Map(rows.map((r) => [r.sellerId, r.n > 0 ? r.sum / r.n : null]));
}

// ---- Writes. ----

export type NewProduct = Omit<ProductRow, 'id' | 'ratingSum' | 'reviewCount' | 'ratingAvg'>;

const COLUMNS = getTableColumns(products);
const NEW_PRODUCT_KEYS = [
  'sellerId', 'categoryId', 'title', 'description', 'brand', 'images', 'pricePaise', 'mrpPaise', 'stock', 'createdAt', 'updatedAt',
] as const satisfies readonly (keyof NewProduct)[];

const INSERT_PRODUCT = statement(
  'products.insert',
  `INSERT INTO "products" (${NEW_PRODUCT_KEYS.map((k) => `"${COLUMNS[k].name}"`).join(', ')}) ` +
    `VALUES (${NEW_PRODUCT_KEYS.map(() => '?').join(', ')}) RETURNING ${selectList(products)}`,
  mapProduct,
);

/** Images travel as JSON text (a jsonb parameter on PostgreSQL), never as an id list. */
const bindValue = (key: keyof NewProduct, value: unknown): Param => (key === 'images' ? JSON.stringify(value) : (value as Param));

export async function insertProduct(db: Queryable, product: NewProduct): Promise<ProductRow> {
  return (await db.get(INSERT_PRODUCT, NEW_PRODUCT_KEYS.map((k) => bindValue(k, product[k]))))!;
}

/** One statement per set of changed columns (keys in a fixed order). */
const updateStatement = memo((keys: string) =>
  statement(
    `products.update.${keys}`,
    `UPDATE "products" SET ${keys.split(',').map((k) => `"${COLUMNS[k as keyof NewProduct].name}" = ?`).join(', ')} ` +
      `WHERE "id" = ? RETURNING ${selectList(products)}`,
    mapProduct,
  ),
);

export function updateProduct(db: Queryable, id: number, changes: Partial<NewProduct>): Promise<ProductRow | undefined> {
  const keys = NEW_PRODUCT_KEYS.filter((k) => k in changes);
  return db.get(updateStatement(keys.join(',')), [...keys.map((k) => bindValue(k, changes[k])), id]);
}
