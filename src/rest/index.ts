/**
 * The REST shim, a fastify plugin mounted at `/api/v1`: the contract's routes over the same service functions as
 * the GraphQL resolvers, each request with the same context (`createContext`) and spending from the same
 * rate-limit bucket. Everything here is scoped to the plugin: its JSON schemas, error shape, ETags and the
 * OpenAPI document (@fastify/swagger, generated from the routes' own schemas) leave GraphQL untouched.
 */
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../context.js';
import { authRoutes } from './auth.js';
import { categoryRoutes } from './categories.js';
import { registerErrorHandlers } from './errors.js';
import { registerConditionalGet } from './etag.js';
import { orderRoutes } from './orders.js';
import { optionalBearer } from './parts.js';
import { BASE } from './present.js';
import { productRoutes } from './products.js';
import { route, registerRoutes } from './route.js';
import { SHARED_SCHEMAS } from './schemas.js';
import { sellerRoutes } from './sellers.js';
import { userRoutes } from './users.js';

export { BASE as REST_PREFIX };

export interface RestOptions {
  deps: AppDeps;
}

/** Register with `{ prefix: REST_PREFIX }`. */
export async function restPlugin(app: FastifyInstance, { deps }: RestOptions): Promise<void> {
  // Before any route: @fastify/swagger collects the routes of this scope as they are added.
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Bazaar REST shim',
        version: '1.0.0',
        description:
          'The same data as the GraphQL API at /graphql, over the same services. IDs, field names and Money are ' +
          "GraphQL's; relations are `…Id` fields and HAL `_links`. Lists are `{ data, pageInfo, _links }` with cursor " +
          'pagination. Every GET has a weak ETag (If-None-Match → 304). Every call spends from the caller\'s ' +
          'rate-limit bucket, shared with GraphQL: 1 point for one resource, 1 + `limit` for a list, 20 for ' +
          '/categories, 10 for a write.',
      },
      servers: [{ url: BASE }],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    // Shared schemas become components named by their $id (Product, Money, …), not def-0, def-1.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (json.$id as string | undefined) ?? `def-${i}` },
    // Paths relative to the server URL above, as the contract lists them: `/products/{id}`.
    transform: ({ schema, url }) => ({ schema, url: url.startsWith(BASE) ? url.slice(BASE.length) || '/' : url }),
  });
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  registerErrorHandlers(app, deps.config.env === 'production');
  registerConditionalGet(app);
  registerRoutes(app, deps, [
    ...productRoutes,
    ...sellerRoutes,
    ...userRoutes,
    ...categoryRoutes,
    ...authRoutes,
    ...orderRoutes,
    route({
      method: 'GET',
      url: '/openapi.json',
      schema: {
        summary: 'This document: OpenAPI 3.1, generated from the routes’ own JSON schemas',
        tags: ['meta'],
        ...optionalBearer,
        response: {
          200: { description: 'The OpenAPI document.', type: 'object', additionalProperties: true },
          304: { description: 'Not Modified.', type: 'null' },
        },
      },
      cost: 1,
      handler: async () => app.swagger(),
    }),
  ]);
}
