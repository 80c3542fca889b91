import type { MutationResolvers } from '../src/generated/graphql.js';
import { addReview } from '../src/services/reviews.js';
import { createProduct, setStock, updateProduct } from '../src/services/selling.js';

export const sellingMutations: MutationResolvers = {
  createProduct: (_, { input }, ctx) => createProduct(ctx, input),
  updateProduct: (_, { id, input }, ctx) => updateProduct(ctx, id, input),
  setStock: (_, { productId, stock }, ctx) => setStock(ctx, productId, stock),
  addReview: (_, { input }, ctx) => addReview(ctx, input),
};
