/** `/products`, `/products/{id}`, `/products/{id}/reviews`, `/reviews/{id}`: the resolvers' service calls. */
import type { ProductSort } from '../services/products.js';
import { getProduct, listProducts, productReviews } from '../services/products.js';
import { getReview } from '../services/reviews.js';
import type { ReviewOrder } from '../data/reviews.js';
import { conditionalHeaders, idParams, listCost, optionalBearer, pageQuery, responses } from './parts.js';
import * as present from './present.js';
import { found, route } from './route.js';

const PRODUCT_SORTS = ['RELEVANCE', 'PRICE_ASC', 'PRICE_DESC', 'RATING_DESC', 'NEWEST'];
const REVIEW_SORTS = ['NEWEST', 'RATING_DESC', 'RATING_ASC'];

interface ProductsQuery {
  limit: number;
  after?: string;
  categoryId?: string;
  sellerId?: string;
  search?: string;
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
  sort?: ProductSort;
}

const listProductsRoute = route<{ Querystring: ProductsQuery }>({
  method: 'GET',
  url: '/products',
  schema: {
    operationId: 'listProducts',
    summary: 'The catalog, filtered and sorted, a page at a time',
    description: 'GraphQL `products(first, after, filter, sort)`. Prices are paise, bounds inclusive.',
    tags: ['products'],
    ...optionalBearer,
    headers: conditionalHeaders,
    querystring: {
      type: 'object',
      properties: {
        ...pageQuery(),
        categoryId: { type: 'string', description: 'Only this category (`cat_…`).', examples: ['cat_3'] },
        sellerId: { type: 'string', description: 'Only this seller (`sel_…`).', examples: ['sel_7'] },
        search: { type: 'string', description: 'Words in title, brand or description.', examples: ['bluetooth head'] },
        minPrice: { type: 'integer', minimum: 0, description: 'Lowest price in paise.', examples: [50000] },
        maxPrice: { type: 'integer', minimum: 0, description: 'Highest price in paise.', examples: [500000] },
        inStock: { type: 'boolean', description: 'true: only in stock; false: only out of stock.' },
        sort: { type: 'string', enum: PRODUCT_SORTS, description: 'GraphQL `ProductSort`; RELEVANCE by default.' },
      },
    },
    response: responses(200, 'ProductList', 'A page of products.', { get: true }),
  },
  cost: listCost,
  async handler(ctx, req) {
    const { limit, after, sort, ...filter } = req.query;
    const conn = await listProducts(ctx, { first: limit, after, sort, filter });
    return present.page(conn, present.product, req.url);
  },
});

const getProductRoute = route<{ Params: { id: string } }>({
  method: 'GET',
  url: '/products/:id',
  schema: {
    operationId: 'getProduct',
    summary: 'One product, with `sellerId` and `categoryId`',
    description: 'GraphQL `product(id:)`. Its seller, category and reviews are links (`_links`); an ID of another type is 400.',
    tags: ['products'],
    ...optionalBearer,
    params: idParams('prd', 'prd_1'),
    headers: conditionalHeaders,
    response: responses(200, 'Product', 'The product.', { get: true, errors: [404] }),
  },
  cost: 1,
  async handler(ctx, req) {
    return present.product(found(await getProduct(ctx, req.params.id), 'Product', req.params.id));
  },
});

const productReviewsRoute = route<{ Params: { id: string }; Querystring: { limit: number; after?: string; sort?: ReviewOrder } }>({
  method: 'GET',
  url: '/products/:id/reviews',
  schema: {
    operationId: 'listProductReviews',
    summary: "A product's reviews, newest first unless sorted (each with `authorId`)",
    description: 'GraphQL `Product.reviews(first, after, sort)`. A review names its author by `authorId`: fetch `/users/{authorId}` for the name. An unknown product is 404.',
    tags: ['products'],
    ...optionalBearer,
    params: idParams('prd', 'prd_1'),
    headers: conditionalHeaders,
    querystring: {
      type: 'object',
      properties: {
        ...pageQuery(10),
        sort: { type: 'string', enum: REVIEW_SORTS, description: 'GraphQL `ReviewSort`; NEWEST by default.' },
      },
    },
    response: responses(200, 'ReviewList', 'A page of reviews.', { get: true, errors: [404] }),
  },
  cost: listCost,
  async handler(ctx, req) {
    const product = found(await getProduct(ctx, req.params.id), 'Product', req.params.id);
    const { limit, after, sort } = req.query;
    return present.page(await productReviews(ctx, product, { first: limit, after, sort }), present.review, req.url);
  },
});

const getReviewRoute = route<{ Params: { id: string } }>({
  method: 'GET',
  url: '/reviews/:id',
  schema: {
    operationId: 'getReview',
    summary: 'One review (the `self` of every review)',
    description: 'GraphQL `node(id:)` on a `rev_…` ID.',
    tags: ['products'],
    ...optionalBearer,
    params: idParams('rev', 'rev_12'),
    headers: conditionalHeaders,
    response: responses(200, 'Review', 'The review.', { get: true, errors: [404] }),
  },
  cost: 1,
  async handler(ctx, req) {
    return present.review(found(await getReview(ctx, req.params.id), 'Review', req.params.id));
  },
});

export const productRoutes = [listProductsRoute, getProductRoute, productReviewsRoute, getReviewRoute];
