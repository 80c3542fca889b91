/**
 * The peers' data access: what a competent team would write for these two screens over the same SQLite file.
 * better-sqlite3 statements prepared once at start (id lists as one JSON parameter, so the text never changes with
 * the batch size), a page of each parent's reviews as one statement with a correlated per-parent `LIMIT` (the
 * index on `(product_id, rating, id)` serves each parent's first rows and stops), and DataLoader per request.
 * Every statement executed is counted, for the report's "SQL / request".
 */
import BetterSqlite3 from 'better-sqlite3';
import DataLoader from 'dataloader';

export interface ProductRow {
  id: number;
  seller_id: number;
  category_id: number;
  title: string;
  description: string;
  brand: string | null;
  images: string;
  price_paise: number;
  mrp_paise: number;
  stock: number;
  review_count: number;
  rating_avg: number;
  created_at: number;
}
export interface SellerRow {
  id: number;
  name: string;
  city: string | null;
}
export interface UserRow {
  id: number;
  name: string;
}
export interface ReviewRow {
  id: number;
  product_id: number;
  author_id: number;
  rating: number;
  title: string | null;
  body: string;
  created_at: number;
}

const PRODUCT_COLUMNS =
  'id, seller_id, category_id, title, description, brand, images, price_paise, mrp_paise, stock, review_count, rating_avg, created_at';

export type Loaders = ReturnType<ReturnType<typeof openPeerData>['loaders']>;

/** `onStatement` sees each statement as it runs (bench/scenarios/sqlFloor.ts records a page's with it). */
export function openPeerData(file: string, onStatement?: (sql: string, params: unknown[]) => void) {
  const db = new BetterSqlite3(file, { readonly: true });
  db.pragma('journal_mode = WAL');
  let statements = 0;
  const prepare = <Row>(sql: string) => {
    const s = db.prepare(sql);
    return {
      all: (...params: unknown[]) => {
        statements++;
        onStatement?.(sql, params);
        return s.all(...params) as Row[];
      },
    };
  };
  const ids = (keys: readonly number[]) => JSON.stringify(keys);
  // `limit +?`, as the project writes it (LIMIT_PARAM in src/data/sql.ts): a bare `limit ?` makes SQLite prepare
  // the statement again on every run.
  const q = {
    products: prepare<ProductRow>(`select ${PRODUCT_COLUMNS} from products where id in (select value from json_each(?))`),
    sellers: prepare<SellerRow>('select id, name, city from sellers where id in (select value from json_each(?))'),
    users: prepare<UserRow>('select id, name from users where id in (select value from json_each(?))'),
    sellerRatings: prepare<{ seller_id: number; sum: number; n: number }>(
      `select seller_id, sum(rating_sum) as sum, sum(review_count) as n from products
        where seller_id in (select value from json_each(?)) group by seller_id`,
    ),
    productsByCategory: prepare<ProductRow>(
      `select ${PRODUCT_COLUMNS} from products where category_id = ? order by review_count desc, id desc limit +?`,
    ),
    topReviews: prepare<ReviewRow>(
      `select r.id, r.product_id, r.author_id, r.rating, r.title, r.body, r.created_at
         from json_each(?) p join reviews r
           on r.id in (select id from reviews where product_id = p.value order by rating desc, id desc limit +?)
        order by r.product_id, r.rating desc, r.id desc`,
    ),
  };

  const byId = <Row extends { id: number }>(fetch: (keys: readonly number[]) => Row[]) =>
    new DataLoader<number, Row | null>(async (keys) => {
      const rows = new Map(fetch(keys).map((r) => [r.id, r]));
      return keys.map((k) => rows.get(k) ?? null);
    });

  return {
    get statements() {
      return statements;
    },
    /** Products of a category, most reviewed first: `limit` rows. */
    productsByCategory: (categoryId: number, limit: number) => q.productsByCategory.all(categoryId, limit),
    /** One request's loaders. */
    loaders() {
      const reviewPages = new Map<number, DataLoader<number, ReviewRow[]>>();
      return {
        product: byId((keys) => q.products.all(ids(keys))),
        seller: byId((keys) => q.sellers.all(ids(keys))),
        user: byId((keys) => q.users.all(ids(keys))),
        sellerRating: new DataLoader<number, number | null>(async (keys) => {
          const rows = new Map(q.sellerRatings.all(ids(keys)).map((r) => [r.seller_id, r.n > 0 ? r.sum / r.n : null]));
          return keys.map((k) => rows.get(k) ?? null);
        }),
        /** The best-rated `limit` reviews of each product (RATING_DESC, ties by id). */
        topReviews(limit: number) {
          let loader = reviewPages.get(limit);
          if (!loader) {
            loader = new DataLoader<number, ReviewRow[]>(async (keys) => {
              const pages = new Map<number, ReviewRow[]>(keys.map((k) => [k, []]));
              for (const r of q.topReviews.all(ids(keys), limit)) pages.get(r.product_id)?.push(r);
              return keys.map((k) => pages.get(k)!);
            });
            reviewPages.set(limit, loader);
          }
          return loader;
        },
      };
    },
    close: () => db.close(),
  };
}
