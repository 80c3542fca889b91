/** Every resolver map, gathered for Apollo Server. Root fields in query.ts, each type's fields in its own file. */
import type { Resolvers } from '../src/generated/graphql.js';
import { authMutations, authQueries } from './auth.js';
import { Category } from './category.js';
import { Order, OrderEvent, OrderItem } from './order.js';
import { orderMutations } from './orderMutations.js';
import { sellingMutations } from './sellingMutations.js';
import { Product } from './product.js';
import { Query } from './query.js';
import { Review } from './review.js';
import { DateTime } from './scalars.js';
import { Seller } from './seller.js';
import { Subscription } from './subscription.js';
import { User } from './user.js';

/**
 * A connection counts its list only when the client asks for `totalCount` (a thunk on the connection, see
 * src/pagination.ts). Called here rather than left to the default resolver: graphql-js's calls a function-valued
 * property, graphql-jit's reads it as it is.
 */
const counted = { totalCount: (connection: { totalCount: () => number | Promise<number> }) => connection.totalCount() };

export const resolvers: Resolvers = {
  DateTime,
  Query: { ...Query, ...authQueries },
  Mutation: { ...authMutations, ...orderMutations, ...sellingMutations },
  Subscription,
  Node: { __resolveType: (node) => node.__typename },
  Product,
  Seller,
  Category,
  Review,
  User,
  Order,
  OrderItem,
  OrderEvent,
  ProductConnection: counted,
  ReviewConnection: counted,
  OrderConnection: counted,
};
