/**
 * The REST shim, a fastify plugin mounted at `/api/v1`: the contract's routes over the same service functions as
 * the GraphQL resolvers, each request with the same context (`createContext`) and spending from the same
 * rate-limit bucket. Everything here is scoped to the plugin: its JSON schemas, error shape, ETags and the
 * OpenAPI document (src/rest/openapi.ts, generated from the routes' own schemas) leave GraphQL untouched.
 */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../context.js';
import { authRoutes } from './auth.js';
import { categoryRoutes } from './categories.js';
import { registerErrorHandlers } from './errors.js';
import { registerConditionalGet } from './etag.js';
import { openApiDocument, registerOpenApi } from './openapi.js';
import { orderRoutes } from './orders.js';
import { optionalBearer } from './parts.js';
import { BASE } from './present.js';
import { productRoutes } from './products.js';
import { route, registerRoutes, type RestRoute } from './route.js';
import { sellerRoutes } from './sellers.js';
import { userRoutes } from './users.js';

export { BASE as REST_PREFIX };

export interface RestOptions {
  deps: AppDeps;
}

const openApiRoute = (app: FastifyInstance | null) =>
  route({
    method: 'GET',
    url: '/openapi.json',
    schema: {
      operationId: 'getOpenApiDocument',
      summary: 'This document: OpenAPI 3.1, generated from the routes’ own JSON schemas',
      description:
        'Generate a typed client from it (openapi-typescript + openapi-fetch, see the README). It changes only ' +
        'additively within /api/v1; what is going away is marked `deprecated: true` first.',
      tags: ['meta'],
      ...optionalBearer,
      response: {
        200: { description: 'The OpenAPI document.', type: 'object', additionalProperties: true },
        304: { description: 'Not Modified.', type: 'null' },
      },
    },
    cost: 1,
    handler: async () => app!.swagger(),
  });

/** Every route of the shim, in the order the document lists them. */
function routesOf(app: FastifyInstance | null): RestRoute[] {
  return [...productRoutes, ...sellerRoutes, ...userRoutes, ...categoryRoutes, ...authRoutes, ...orderRoutes, openApiRoute(app)];
}

/** Register with `{ prefix: REST_PREFIX }`. */
export async function restPlugin(app: FastifyInstance, { deps }: RestOptions): Promise<void> {
  // Before any route: @fastify/swagger collects the routes of this scope as they are added.
  await registerOpenApi(app);
  registerErrorHandlers(app, deps.config.env === 'production');
  registerConditionalGet(app);
  registerRoutes(app, deps, routesOf(app));
}

/** The document `GET /api/v1/openapi.json` serves, built without a server (`npm run rest:types`). */
export const restOpenApiDocument = () => openApiDocument(routesOf(null));
