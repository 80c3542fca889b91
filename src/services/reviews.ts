/** Writing reviews: one per user and product, folded into the product's rating in the same transaction. */
import { requireViewer } from '../auth/policy.js';
import type { Context } from '../context.js';
import { insertReview } from '../data/reviews.js';
import type { ReviewRow } from '../db/schema.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { decodeId } from '../ids.js';
import { intInRange, text } from './productRules.js';

export interface AddReviewInput {
  productId: string;
  rating: number;
  title?: string | null;
  body: string;
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
  if (!(await ctx.loaders.product.load(productId))) throw new NotFoundError(`Product ${input.productId} does not exist.`, 'productId');
  try {
    const row = ctx.db.transaction((tx) => insertReview(tx, review), { behavior: 'immediate' });
    ctx.loaders.product.clear(productId);
    return row;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
      throw new ConflictError('You have already reviewed this product.', 'productId');
    }
    throw err;
  }
}
