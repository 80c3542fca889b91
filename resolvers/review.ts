import type { ReviewResolvers } from '../src/generated/graphql.js';
import { encodeId } from '../src/ids.js';
import { required } from './product.js';

export const Review: ReviewResolvers = {
  id: (r) => encodeId('Review', r.id),
  author: (r, _, ctx) => ctx.loaders.user.load(r.authorId).then(required),
  product: (r, _, ctx) => ctx.loaders.product.load(r.productId).then(required),
};
