import type { MutationResolvers } from '../src/generated/graphql.js';
import { cancelOrder, placeOrder, updateOrderStatus } from '../src/services/orderFlow.js';

export const orderMutations: MutationResolvers = {
  placeOrder: (_, { input }, ctx) => placeOrder(ctx, input),
  cancelOrder: (_, { id }, ctx) => cancelOrder(ctx, id),
  updateOrderStatus: (_, { id, status, note }, ctx) => updateOrderStatus(ctx, id, status, note),
};
