import { canSeeEmail } from '../src/auth/policy.js';
import type { UserResolvers } from '../src/generated/graphql.js';
import { encodeId } from '../src/ids.js';
import { userOrders } from '../src/services/orders.js';
import { userReviews } from '../src/services/users.js';

export const User: UserResolvers = {
  id: (u) => encodeId('User', u.id),
  /** Private: the policy decides (the user and admins only). */
  email: (u, _, ctx) => (canSeeEmail(ctx.viewer, u) ? u.email : null),
  seller: (u, _, ctx) => (u.role === 'SELLER' ? ctx.loaders.sellerByOwner.load(u.id) : null),
  reviews: (u, args, ctx) => userReviews(ctx, u, args),
  /** Private: the user and admins only. */
  orders: (u, args, ctx) => userOrders(ctx, u, args),
};
