/**
 * Subscription root fields. Who may subscribe is decided in the service (the policy's order rules): anonymous
 * UNAUTHENTICATED, someone else's order FORBIDDEN. Each event's payload is the order row itself.
 */
import type { OrderRow } from '../src/db/schema.js';
import type { SubscriptionResolvers } from '../src/generated/graphql.js';
import { myOrderUpdates, orderUpdates } from '../src/services/orderUpdates.js';

const order = (payload: OrderRow) => payload;

export const Subscription: SubscriptionResolvers = {
  orderUpdated: {
    subscribe: (_, { orderId, afterEventId }, ctx) => orderUpdates(ctx, orderId, afterEventId),
    resolve: order,
  },
  myOrderUpdates: {
    subscribe: (_, { afterEventId }, ctx) => myOrderUpdates(ctx, afterEventId),
    resolve: order,
  },
};
