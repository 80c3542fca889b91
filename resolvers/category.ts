import type { CategoryResolvers } from '../src/generated/graphql.js';
import { encodeId } from '../src/ids.js';
import { categoryProducts } from '../src/services/catalog.js';

export const Category: CategoryResolvers = {
  id: (c) => encodeId('Category', c.id),
  products: (c, args, ctx) => categoryProducts(ctx, c, args),
};
