/** All SQL about reviews: by id, a page per product or per author, counts per author, adding one. */
import { statement, type Queryable } from '../db/engine.js';
import { reviews, type ReviewRow } from '../db/schema.js';
import type { PageRequest, SortKey } from '../pagination.js';
import { countsByParent, countsOf, pagesOf, parentPages, type Ordering } from './keyset.js';
import { byIds, selectList } from './sql.js';

export const REVIEW_ORDERS = {
  NEWEST: { columns: ['"created_at"', '"id"'], desc: true },
  RATING_DESC: { columns: ['"rating"', '"id"'], desc: true },
  RATING_ASC: { columns: ['"rating"', '"id"'], desc: false },
} as const satisfies Record<string, Ordering>;

export type ReviewOrder = keyof typeof REVIEW_ORDERS;

export function reviewSortKey(order: ReviewOrder, r: ReviewRow): SortKey {
  return [order === 'NEWEST' ? r.createdAt : r.rating, r.id];
}

export type ReviewParent = 'productId' | 'authorId';

const PARENT_COLUMN: Record<ReviewParent, string> = { productId: '"product_id"', authorId: '"author_id"' };

const REVIEWS_BY_IDS = byIds<ReviewRow>('reviews.byIds', reviews, '"id"');
/** One statement pair per parent and order: `reviews.pages.productId.NEWEST` and so on. */
const PAGES = Object.fromEntries(
  (Object.keys(PARENT_COLUMN) as ReviewParent[]).map((parent) => [
    parent,
    Object.fromEntries(
      (Object.keys(REVIEW_ORDERS) as ReviewOrder[]).map((order) => [
        order,
        parentPages<ReviewRow>(`reviews.pages.${parent}.${order}`, reviews, PARENT_COLUMN[parent], REVIEW_ORDERS[order]),
      ]),
    ),
  ]),
) as Record<ReviewParent, Record<ReviewOrder, ReturnType<typeof parentPages<ReviewRow>>>>;
const COUNTS_BY_AUTHOR = countsByParent('reviews.countsByAuthor', reviews, '"author_id"');

const INSERT_REVIEW = statement<ReviewRow>(
  'reviews.insert',
  `INSERT INTO "reviews" ("product_id", "author_id", "rating", "title", "body", "created_at") VALUES (?, ?, ?, ?, ?, ?) ` +
    `RETURNING ${selectList(reviews)}`,
);
/** The average in double precision on both engines (PostgreSQL's `real` is 4 bytes and would break cursors). */
const FOLD_RATING = statement(
  'products.foldRating',
  `UPDATE "products" SET "rating_sum" = "rating_sum" + ?, "review_count" = "review_count" + 1, ` +
    `"rating_avg" = cast("rating_sum" + ? AS double precision) / ("review_count" + 1) WHERE "id" = ?`,
);

export const reviewsByIds = (db: Queryable, ids: readonly number[]) => db.all(REVIEWS_BY_IDS, [ids]);

export function reviewPagesByParent(
  db: Queryable,
  parent: ReviewParent,
  ids: readonly number[],
  order: ReviewOrder,
  page: PageRequest,
): Promise<Map<number, ReviewRow[]>> {
  return pagesOf(db, PAGES[parent][order], parent, ids, page);
}

export const reviewCountsByAuthor = (db: Queryable, authorIds: readonly number[]) => countsOf(db, COUNTS_BY_AUTHOR, authorIds);

/**
 * Adds a review and folds it into its product's aggregates; run it in a transaction. Throws `UniqueViolation`
 * when the author already reviewed the product.
 */
export async function insertReview(db: Queryable, review: Omit<ReviewRow, 'id'>): Promise<ReviewRow> {
  const row = (await db.get(INSERT_REVIEW, [
    review.productId,
    review.authorId,
    review.rating,
    review.title,
    review.body,
    review.createdAt,
  ]))!;
  await db.run(FOLD_RATING, [review.rating, review.rating, review.productId]);
  return row;
}
