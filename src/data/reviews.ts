/** All SQL about reviews: by id, a page per product or per author (windowed), counts per author. */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { products, reviews, type ReviewRow } from '../db/schema.js';
import type { PageRequest, SortKey } from '../pagination.js';
import { rowsByIds } from './byIds.js';
import { countsByParent, windowedPage, type Ordering } from './keyset.js';

export const REVIEW_ORDERS = {
  NEWEST: { columns: [reviews.createdAt, reviews.id], desc: true },
  RATING_DESC: { columns: [reviews.rating, reviews.id], desc: true },
  RATING_ASC: { columns: [reviews.rating, reviews.id], desc: false },
} as const satisfies Record<string, Ordering>;

export type ReviewOrder = keyof typeof REVIEW_ORDERS;

export function reviewSortKey(order: ReviewOrder, r: ReviewRow): SortKey {
  return [order === 'NEWEST' ? r.createdAt : r.rating, r.id];
}

export const reviewsByIds = rowsByIds<ReviewRow>(reviews, reviews.id);

export type ReviewParent = 'productId' | 'authorId';

export function reviewPagesByParent(
  db: Db,
  parent: ReviewParent,
  ids: readonly number[],
  order: ReviewOrder,
  page: PageRequest,
): Map<number, ReviewRow[]> {
  return windowedPage<ReviewRow>(db, reviews, reviews[parent], ids, REVIEW_ORDERS[order], page);
}

export function reviewCountsByAuthor(db: Db, authorIds: readonly number[]): Map<number, number> {
  return countsByParent(db, reviews, reviews.authorId, authorIds);
}

/**
 * Adds a review and folds it into its product's aggregates, in the caller's transaction. Throws the driver's
 * SQLITE_CONSTRAINT_UNIQUE when the author already reviewed the product.
 */
export function insertReview(db: Db, review: Omit<ReviewRow, 'id'>): ReviewRow {
  const row = db.insert(reviews).values(review).returning().get();
  db.update(products)
    .set({
      ratingSum: sql`${products.ratingSum} + ${review.rating}`,
      reviewCount: sql`${products.reviewCount} + 1`,
      ratingAvg: sql`cast(${products.ratingSum} + ${review.rating} as real) / (${products.reviewCount} + 1)`,
    })
    .where(eq(products.id, review.productId))
    .run();
  return row;
}
