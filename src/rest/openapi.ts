/**
 * The REST shim's OpenAPI 3.1 document: @fastify/swagger generates it from the routes' own JSON schemas (the ones
 * AJV validates with), so the document cannot describe a route differently from how it behaves.
 *
 * `openApiDocument()` builds the very same document without a database or a port (the same options, shared
 * schemas and route schemas on a bare fastify): `npm run rest:types` generates the typed client from it, and the
 * tests compare it with the one the server serves.
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { BASE } from './present.js';
import { schemaOf, type RestRoute } from './route.js';
import { SHARED_SCHEMAS } from './schemas.js';

/** Declared once, in the order a reader meets them; every operation carries exactly one of these. */
export const TAGS = [
  { name: 'products', description: 'The catalog: products, their reviews, single reviews.' },
  { name: 'sellers', description: 'Shops and what they sell.' },
  { name: 'users', description: 'Public profiles; `email` only to the user and admins.' },
  { name: 'categories', description: 'Departments of the catalog.' },
  { name: 'auth', description: 'Signing in.' },
  { name: 'orders', description: 'Placing, reading and cancelling orders (bearer token required).' },
  { name: 'meta', description: 'The API describing itself.' },
];

const DESCRIPTION =
  'The same data as the GraphQL API at /graphql, over the same services. IDs, field names and Money are ' +
  "GraphQL's; relations are `…Id` fields and HAL `_links`. Lists are `{ data, pageInfo, _links }` with cursor " +
  "pagination. Every GET has a weak ETag (If-None-Match → 304). Every call spends from the caller's " +
  'rate-limit bucket, shared with GraphQL: 1 point for one resource, 1 + `limit` for a list, 20 for ' +
  '/categories, 10 for a write. Deprecated operations and fields are marked `deprecated: true`; a deprecated ' +
  'route answers `Deprecation`, `Sunset` and `Link` headers naming its successor (see the changelog).';

/** Registers @fastify/swagger and the shared schemas on the REST scope; call before adding any route. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Bazaar REST shim',
        version: '1.0.0',
        description: DESCRIPTION,
        contact: { name: 'Bazaar API maintainers' },
      },
      servers: [{ url: BASE }],
      tags: TAGS,
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
}

/** The document the server serves at `/api/v1/openapi.json`, built from the same routes without serving them. */
export async function openApiDocument(routes: RestRoute[]): Promise<Record<string, unknown>> {
  const app = Fastify();
  let scope: FastifyInstance | undefined;
  await app.register(
    async (rest) => {
      scope = rest;
      await registerOpenApi(rest);
      for (const r of routes) rest.route({ method: r.method, url: r.url, schema: schemaOf(r), handler: async () => null });
    },
    { prefix: BASE },
  );
  await app.ready();
  const doc = structuredClone(scope!.swagger()) as Record<string, unknown>;
  await app.close();
  return doc;
}
