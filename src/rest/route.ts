/**
 * How a REST route is declared: its method, path, JSON schema (which fastify validates with AJV and
 * @fastify/swagger turns into the OpenAPI document), the rate-limit points it spends, and a handler that gets the
 * request's context, the very one GraphQL resolvers get (`createContext`), and calls a service function with it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, RouteGenericInterface } from 'fastify';
import { authenticate } from '../auth/tokens.js';
import { createContext, type AppDeps, type Context } from '../context.js';
import { NotFoundError, UnauthenticatedError } from '../errors.js';
import { announceDeprecation, type RouteDeprecation } from './deprecation.js';

export interface RestRoute<R extends RouteGenericInterface = RouteGenericInterface> {
  method: 'GET' | 'POST';
  /** Under the plugin's prefix: `/products/:id`. */
  url: string;
  /** `operationId` is the stable name generated clients call the operation by: never rename it. */
  schema: FastifySchema & { operationId: string; summary: string; description: string; tags: string[] };
  /** Set when the route is going away: its responses say so (src/rest/deprecation.ts), the document marks it. */
  deprecation?: RouteDeprecation;
  /**
   * Points taken from the caller's rate-limit bucket (the one GraphQL spends from) once the request has passed
   * validation: a number, or for lists a function of the validated request (1 + `limit`).
   */
  cost: number | ((req: FastifyRequest<R>) => number);
  /** Only for a signed-in caller: anonymous is 401 before its input is validated (the contract's Errors rule). */
  signedIn?: boolean;
  handler(ctx: Context, req: FastifyRequest<R>, reply: FastifyReply): Promise<unknown>;
}

/** Helps TypeScript infer a route's request type from its handler. */
export const route = <R extends RouteGenericInterface>(r: RestRoute<R>): RestRoute => r as unknown as RestRoute;

const contexts = new WeakMap<FastifyRequest, Context>();

/**
 * Registers routes in the REST plugin's scope. Each request is authenticated once (a bad token is 401, never
 * anonymous), gets its own context (so DataLoader caches never leak between requests), and is charged its cost
 * before the handler runs (429 `RATE_LIMITED` with `Retry-After` when the bucket is short).
 */
export function registerRoutes(app: FastifyInstance, deps: AppDeps, routes: RestRoute[]): void {
  for (const r of routes) {
    app.route({
      method: r.method,
      url: r.url,
      schema: schemaOf(r),
      onRequest: async (req, reply) => {
        if (r.deprecation) announceDeprecation(reply, req, r.deprecation);
        const viewer = await authenticate(deps.auth.tokens, req.headers.authorization);
        if (r.signedIn && !viewer) throw new UnauthenticatedError();
        contexts.set(req, createContext(deps, viewer, { ip: req.ip, requestId: req.id }));
      },
      preHandler: async (req) => {
        const points = typeof r.cost === 'number' ? r.cost : r.cost(req);
        await deps.rateLimiter.spend(contexts.get(req)!, points);
      },
      handler: async (req, reply) => {
        const ctx = contexts.get(req)!;
        try {
          return await r.handler(ctx, req, reply);
        } finally {
          await ctx.cache.settled(); // a write's cache invalidations finish before it answers
        }
      },
    });
  }
}

/** The schema fastify validates with and the document shows: a deprecated route is marked `deprecated: true`. */
export const schemaOf = (r: RestRoute): FastifySchema => (r.deprecation ? { ...r.schema, deprecated: true } : r.schema);

/** A row the service found, or 404 in the contract's shape. */
export function found<T>(row: T | null | undefined, what: string, id: string): T {
  if (row == null) throw new NotFoundError(`${what} ${id} does not exist.`, 'id');
  return row;
}
