/** `/sellers/{id}` and `/sellers/{id}/products`: the resolvers' service calls. */
import { getSeller, sellerProducts } from '../services/catalog.js';
import { conditionalHeaders, idParams, listCost, optionalBearer, pageQuery, responses } from './parts.js';
import * as present from './present.js';
import { found, route } from './route.js';

const getSellerRoute = route<{ Params: { id: string } }>({
  method: 'GET',
  url: '/sellers/:id',
  schema: {
    summary: 'One seller, with its rating',
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
    summary: "A seller's products, most reviewed first",
    tags: ['sellers'],
    ...optionalBearer,
    params: idParams('sel', 'sel_7'),
    headers: conditionalHeaders,
    querystring: { type: 'object', properties: pageQuery() },
    response: responses(200, 'ProductList', 'A page of products.', { get: true, errors: [404] }),
  },
  cost: listCost,
  async handler(ctx, req) {
    const seller = found(await getSeller(ctx, req.params.id), 'Seller', req.params.id);
    const { limit, after } = req.query;
    return present.page(await sellerProducts(ctx, seller, { first: limit, after }), present.product, req.url);
  },
});

export const sellerRoutes = [getSellerRoute, sellerProductsRoute];
