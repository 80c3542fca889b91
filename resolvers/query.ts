import type { QueryResolvers } from '../src/generated/graphql.js';
import { getSeller, listCategories } from '../src/services/catalog.js';
import { getNode } from '../src/services/nodes.js';
import { getProduct, listProducts } from '../src/services/products.js';
import { getOrder } from '../src/services/orders.js';
import { getUser } from '../src/services/users.js';

export const Query: QueryResolvers = {
  node: (_, { id }, ctx) => getNode(ctx, id),
  product: (_, { id }, ctx) => getProduct(ctx, id),
  products: (_, args, ctx) => listProducts(ctx, args),
  categories: (_, __, ctx) => listCategories(ctx),
  seller: (_, { id }, ctx) => getSeller(ctx, id),
  user: (_, { id }, ctx) => getUser(ctx, id),
  order: (_, { id }, ctx) => getOrder(ctx, id),
};
