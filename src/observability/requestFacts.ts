/**
 * What one HTTP request's log line and duration sample say beyond what fastify knows: the GraphQL operation and
 * its cost. The GraphQL route and Apollo plugins write them while the request runs; the onResponse hook
 * (requestLog.ts) reads them. Kept beside the request (and its GraphQL context) in WeakMaps, so they go with it.
 */
import type { FastifyRequest } from 'fastify';
import { Kind, parse } from 'graphql';
import type { Context, RequestInfo } from '../context.js';

export interface RequestFacts {
  /** The GraphQL operation name, `(anonymous)`, or `(batch)` for an HTTP batch. */
  operation?: string;
  /** `extensions.cost` as answered: requested and actual points. */
  cost?: { requested: number | null; actual: number };
}

const byRequest = new WeakMap<FastifyRequest, RequestFacts>();
/**
 * Keyed by the context's `request` object: Apollo hands plugins a shallow copy of the context we built, and the
 * copy shares that object.
 */
const byContext = new WeakMap<RequestInfo, RequestFacts>();

/** The request's facts, created on first use. */
export function factsOf(req: FastifyRequest): RequestFacts {
  let facts = byRequest.get(req);
  if (!facts) byRequest.set(req, (facts = {}));
  return facts;
}

/** Ties a GraphQL context to the request it serves, so Apollo plugins (which see only the context) can write facts. */
export function linkContext(ctx: Context, req: FastifyRequest): void {
  byContext.set(ctx.request, factsOf(req));
}

/** The facts of the request a context serves; a throwaway object for contexts of no HTTP request (WebSocket). */
export function factsOfContext(ctx: Context): RequestFacts {
  return byContext.get(ctx.request) ?? {};
}

/** Records an operation's name; a second operation on the same request makes it a batch. */
export function recordOperation(facts: RequestFacts, name: string | null | undefined): void {
  facts.operation = facts.operation === undefined ? (name ?? '(anonymous)') : '(batch)';
}

const names = new WeakMap<object, string>();

/**
 * The name of the operation a request selects (`operationName`, else the document's only operation), for a
 * response the cache answers without Apollo. Memoized on `key`, an object that stands for the (query,
 * operationName) pair (the response cache's analysis of the document), so a document is parsed for it once.
 */
export function operationNameOf(key: object, query: string, operationName: string | undefined): string {
  let name = names.get(key);
  if (name === undefined) {
    name = operationName ?? '(anonymous)';
    if (operationName === undefined) {
      try {
        const ops = parse(query).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
        if (ops.length === 1 && ops[0]!.name) name = ops[0]!.name.value;
      } catch {
        // the cache analyzed it already, so it parses
      }
    }
    names.set(key, name);
  }
  return name;
}
