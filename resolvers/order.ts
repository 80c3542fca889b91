import type { OrderEventResolvers, OrderItemResolvers, OrderResolvers } from '../src/generated/graphql.js';
import { encodeEventId, encodeId } from '../src/ids.js';
import { money } from '../src/money.js';
import { required } from './product.js';

export const Order: OrderResolvers = {
  id: (o) => encodeId('Order', o.id),
  buyer: (o, _, ctx) => ctx.loaders.user.load(o.buyerId).then(required),
  items: (o, _, ctx) => ctx.loaders.orderItems.load(o.id),
  total: (o) => money(o.totalPaise),
  events: (o, _, ctx) => ctx.loaders.orderEvents.load(o.id),
};

export const OrderItem: OrderItemResolvers = {
  product: (i, _, ctx) => ctx.loaders.product.load(i.productId).then(required),
  unitPrice: (i) => money(i.unitPricePaise),
  lineTotal: (i) => money(i.unitPricePaise * i.quantity),
};

export const OrderEvent: OrderEventResolvers = {
  id: (e) => encodeEventId(e.id),
};
