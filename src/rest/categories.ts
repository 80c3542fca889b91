/** `/categories` and `/categories/{id}`: the resolvers' service calls. A category's products are `/products?categoryId=`. */
import { getCategory, listCategories } from '../services/catalog.js';
import { conditionalHeaders, idParams, optionalBearer, responses } from './parts.js';
import * as present from './present.js';
import { found, route } from './route.js';

/** GraphQL's `@listSize(assumedSize: 20)` for `categories`. */
const CATEGORIES_COST = 20;

const listCategoriesRoute = route({
  method: 'GET',
  url: '/categories',
  schema: {
    operationId: 'listCategories',
    summary: 'Every category, by name (one page: `hasNextPage` is false)',
    description: 'GraphQL `categories`. A category\'s products are `/products?categoryId=` (its `_links.products`).',
    tags: ['categories'],
    ...optionalBearer,
    headers: conditionalHeaders,
    response: responses(200, 'CategoryList', 'All categories.', { get: true }),
  },
  cost: CATEGORIES_COST,
  async handler(ctx, req) {
    const rows = await listCategories(ctx);
    return {
      data: rows.map(present.category),
      pageInfo: { hasNextPage: false, endCursor: null },
      _links: { self: { href: req.url } },
    };
  },
});

const getCategoryRoute = route<{ Params: { id: string } }>({
  method: 'GET',
  url: '/categories/:id',
  schema: {
    operationId: 'getCategory',
    summary: 'One category (the `self` of every category)',
    description: 'GraphQL `node(id:)` on a `cat_…` ID.',
    tags: ['categories'],
    ...optionalBearer,
    params: idParams('cat', 'cat_3'),
    headers: conditionalHeaders,
    response: responses(200, 'Category', 'The category.', { get: true, errors: [404] }),
  },
  cost: 1,
  async handler(ctx, req) {
    return present.category(found(await getCategory(ctx, req.params.id), 'Category', req.params.id));
  },
});

export const categoryRoutes = [listCategoriesRoute, getCategoryRoute];
