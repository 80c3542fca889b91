/**
 * `/sellers/{id}` and `/sellers/{id}/products`: the resolvers' service calls. `/sellers/{id}/products` is
 * deprecated: it is `/products?sellerId=` with fewer options (no filters, no sort), and categories already list
 * their products that way. It answers as before, with Deprecation, Sunset and a Link to its successor.
 */
import type { FastifyRequest } from 'fastify';
import { getSeller, sellerProducts } from '../services/catalog.js';
import { conditionalHeaders, idParams, listCost, optionalBearer, pageQuery, responses } from './parts.js';
import * as present from './present.js';
import { BASE } from './present.js';
import { found, route } from './route.js';

const getSellerRoute = route<{ Params: { id: string } }>({
  method: 'GET',
  url: '/sellers/:id',
  schema: {
    operationId: 'getSeller',
    summary: 'One seller, with its rating',
    description: 'GraphQL `seller(id:)`: the shop, its city and the average rating of its products\' reviews.',
    tags: ['sellers'],
    ...optionalBearer,
    params: idParams('sel', 'sel_7'),
    headers: conditionalHeaders,
    response: responses(200, 'Seller', 'The seller.', { get: true, errors: [404] }),
  },
  cost: 1,
  async handler(ctx, req) {
    return present.seller(ctx, found(await getSeller(ctx, req.params.id), 'Seller', req.params.id));
  },
});

const sellerProductsRoute = route<{ Params: { id: string }; Querystring: { limit: number; after?: string } }>({
  method: 'GET',
  url: '/sellers/:id/products',
  schema: {
    operationId: 'listSellerProducts',
    summary: "Deprecated: a seller's products, most reviewed first; use /products?sellerId=",
    description:
      'GraphQL `Seller.products(first, after)`. An unknown seller is 404. Deprecated since 2026-12-01, sunset ' +
      'not before 2027-06-01: use `GET /products?sellerId={id}` (the same list, order and page size, plus ' +
      'filters and sorts; its cursors are its own). Responses carry `Deprecation`, `Sunset` and ' +
      '`Link: <…>; rel="successor-version"`.',
    tags: ['sellers'],
    ...optionalBearer,
    params: idParams('sel', 'sel_7'),
    headers: conditionalHeaders,
    querystring: { type: 'object', properties: pageQuery() },
    response: responses(200, 'ProductList', 'A page of products.', { get: true, errors: [404], deprecated: true }),
  },
  deprecation: {
    since: Date.UTC(2026, 11, 1),
    sunset: Date.UTC(2027, 5, 1),
    successor: (req: FastifyRequest) => {
      const id = (req.params as { id: string }).id;
      const limit = new URL(req.url, 'http://x').searchParams.get('limit');
      return `${BASE}/products?sellerId=${encodeURIComponent(id)}${limit ? `&limit=${encodeURIComponent(limit)}` : ''}`;
    },
  },
  cost: listCost,
  async handler(ctx, req) {
    const seller = found(await getSeller(ctx, req.params.id), 'Seller', req.params.id);
    const { limit, after } = req.query;
    return present.page(await sellerProducts(ctx, seller, { first: limit, after }), present.product, req.url);
  },
});

export const sellerRoutes = [getSellerRoute, sellerProductsRoute];
