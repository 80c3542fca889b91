/**
 * `POST /orders`, `GET /orders/{id}`, `POST /orders/{id}/cancel`: GraphQL's `placeOrder`, `order` and
 * `cancelOrder` services. The idempotency key travels in the `Idempotency-Key` header, as on Stripe's API.
 */
import { cancelOrder, placeOrder } from '../services/orderFlow.js';
import { getOrder } from '../services/orders.js';
import { WRITE_COST } from './auth.js';
import { bearer, conditionalHeaders, idParams, responses } from './parts.js';
import * as present from './present.js';
import { found, route } from './route.js';

interface PlaceOrderBody {
  items: { productId: string; quantity: number }[];
}

const placeOrderRoute = route<{ Body: PlaceOrderBody; Headers: { 'idempotency-key': string } }>({
  method: 'POST',
  url: '/orders',
  schema: {
    operationId: 'placeOrder',
    summary: 'Place an order: stock is taken for every line or for none',
    description:
      'Retrying with the same `Idempotency-Key` returns the same order (201 again) and takes stock once; the same key ' +
      'with other lines is 409. A line for more than is left is 422 OUT_OF_STOCK; an unknown product 404.',
    tags: ['orders'],
    ...bearer,
    headers: {
      type: 'object',
      required: ['idempotency-key'],
      properties: {
        'idempotency-key': { type: 'string', minLength: 1, maxLength: 100, description: 'Unique per buyer and order.', examples: ['checkout-7f3a9c'] },
      },
    },
    body: {
      type: 'object',
      required: ['items'],
      additionalProperties: false,
      properties: {
        items: {
          type: 'array',
          minItems: 1,
          maxItems: 50,
          items: {
            type: 'object',
            required: ['productId', 'quantity'],
            additionalProperties: false,
            properties: {
              productId: { type: 'string', maxLength: 64 },
              quantity: { type: 'integer', minimum: 1, maximum: 10 },
            },
          },
        },
      },
      examples: [{ items: [{ productId: 'prd_1', quantity: 2 }] }],
    },
    response: responses(201, 'Order', 'Placed (or, for a retried key, the order it placed). `Location` names it.', {
      errors: [404, 409, 422],
    }),
  },
  cost: WRITE_COST,
  signedIn: true,
  async handler(ctx, req, reply) {
    const row = await placeOrder(ctx, { items: req.body.items, idempotencyKey: req.headers['idempotency-key'] });
    const body = await present.order(ctx, row);
    return reply.code(201).header('location', body._links.self.href).send(body);
  },
});

const getOrderRoute = route<{ Params: { id: string } }>({
  method: 'GET',
  url: '/orders/:id',
  schema: {
    operationId: 'getOrder',
    summary: 'One order with its lines and status history: its buyer, a seller of its items, or an admin',
    description: 'GraphQL `order(id:)`. Anonymous is 401, someone else\'s order 403. `_links.cancel` appears only for the buyer while the order can still be cancelled.',
    tags: ['orders'],
    ...bearer,
    params: idParams('ord', 'ord_3'),
    headers: conditionalHeaders,
    response: responses(200, 'Order', 'The order.', { get: true, errors: [403, 404] }),
  },
  cost: 1,
  signedIn: true,
  async handler(ctx, req) {
    return present.order(ctx, found(await getOrder(ctx, req.params.id), 'Order', req.params.id));
  },
});

const cancelOrderRoute = route<{ Params: { id: string } }>({
  method: 'POST',
  url: '/orders/:id/cancel',
  schema: {
    operationId: 'cancelOrder',
    summary: 'Cancel an order (its buyer, before it ships); the stock goes back',
    description: 'Cancelling a SHIPPED, DELIVERED or CANCELLED order is 400.',
    tags: ['orders'],
    ...bearer,
    params: idParams('ord', 'ord_3'),
    response: responses(200, 'Order', 'The cancelled order.', { errors: [403, 404, 409] }),
  },
  cost: WRITE_COST,
  signedIn: true,
  async handler(ctx, req) {
    return present.order(ctx, await cancelOrder(ctx, req.params.id));
  },
});

export const orderRoutes = [placeOrderRoute, getOrderRoute, cancelOrderRoute];
