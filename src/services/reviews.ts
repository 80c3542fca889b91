/** Writing reviews: one per user and product, folded into the product's rating in the same transaction. */
import { requireViewer } from '../auth/policy.js';
import { ALL_PRODUCTS, entityTag, listTag } from '../cache/tags.js';
import type { Context } from '../context.js';
import { insertReview } from '../data/reviews.js';
import type { ReviewRow } from '../db/schema.js';
import { UniqueViolation } from '../db/errors.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { decodeId } from '../ids.js';
import { intInRange, text } from './productRules.js';
import { withTransaction } from './transaction.js';

export interface AddReviewInput {
  productId: string;
  rating: number;
  title?: string | null;
  body: string;
}

/** One review by ID (the REST shim's `GET /reviews/{id}`); null when there is none. */
export function getReview(ctx: Context, id: string): Promise<ReviewRow | null> {
  return ctx.loaders.review.load(decodeId('Review', id));
}

export async function addReview(ctx: Context, input: AddReviewInput): Promise<ReviewRow> {
  const viewer = requireViewer(ctx.viewer);
  const productId = decodeId('Product', input.productId, 'productId');
  const review = {
    productId,
    authorId: viewer.id,
    rating: intInRange(input.rating, 'rating', 1, 5),
    title: input.title == null ? null : text(input.title, 'title', 1, 120),
    body: text(input.body, 'body', 1, 5000),
    createdAt: ctx.clock(),
  };
  const product = await ctx.loaders.product.load(productId);
  if (!product) throw new NotFoundError(`Product ${input.productId} does not exist.`, 'productId');
  try {
    return await withTransaction(ctx, async (tx) => {
      const row = await insertReview(tx.db, review);
      tx.afterCommit(() => {
        ctx.loaders.product.clear(productId);
        // The product's rating and count, its reviews, the author's reviews, its seller's rating, and every list
        // ordered by rating or popularity.
        ctx.cache.invalidate(
          entityTag('Review', row.id), // a `node(id:)` asked before it existed was cached as null
          entityTag('Product', productId),
          listTag('Product', productId, 'reviews'),
          listTag('User', viewer.id, 'reviews'),
          entityTag('Seller', product.sellerId),
          listTag('Seller', product.sellerId, 'products'),
          listTag('Category', product.categoryId, 'products'),
          ALL_PRODUCTS,
        );
      });
      return row;
    });
  } catch (err) {
    if (err instanceof UniqueViolation) throw new ConflictError('You have already reviewed this product.', 'productId');
    throw err;
  }
}
