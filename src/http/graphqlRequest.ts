/** Reads a single GraphQL operation out of a GET query string or a POST body, as the response cache needs it. */
import type { IncomingHttpHeaders } from 'node:http';

/**
 * What these readers need of an HTTP request: fastify's request has it, and so does the front door's
 * (src/http/frontDoor.ts), which reads cache hits before fastify does.
 */
export interface GraphQLHttpRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** A GET's query string, parsed. */
  query: unknown;
  /** A POST's JSON body, parsed. */
  body: unknown;
}

export interface IncomingOperation {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  /** `extensions.persistedQuery.sha256Hash`, for automatic persisted queries. */
  persistedHash?: string;
}

/** Null for anything the cache should not try to read (batches, malformed input): Apollo answers those. */
export function readOperation(req: GraphQLHttpRequest): IncomingOperation | null {
  let raw: Record<string, unknown>;
  try {
    if (req.method === 'GET') {
      const q = req.query as Record<string, string | undefined>;
      raw = {
        query: q.query,
        operationName: q.operationName,
        variables: q.variables ? JSON.parse(q.variables) : undefined,
        extensions: q.extensions ? JSON.parse(q.extensions) : undefined,
      };
    } else if (req.method === 'POST' && isObject(req.body)) {
      raw = req.body;
    } else {
      return null;
    }
  } catch {
    return null;
  }
  const { query, operationName, variables, extensions } = raw;
  const hash = isObject(extensions) && isObject(extensions.persistedQuery) ? extensions.persistedQuery.sha256Hash : undefined;
  if (query != null && typeof query !== 'string') return null;
  if (operationName != null && typeof operationName !== 'string') return null;
  if (variables != null && !isObject(variables)) return null;
  if (hash !== undefined && typeof hash !== 'string') return null;
  return {
    query: query ?? undefined,
    operationName: operationName || undefined,
    variables: variables ?? undefined,
    persistedHash: hash,
  };
}

/**
 * Apollo's CSRF rule, applied before a cache hit can skip Apollo: a request is safe if it cannot be a "simple"
 * cross-site request (a non-simple content type, or a preflight-forcing header).
 */
export function isCsrfSafe(req: GraphQLHttpRequest): boolean {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type && !['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'].includes(type)) return true;
  return Boolean(req.headers['x-apollo-operation-name'] || req.headers['apollo-require-preflight']);
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The document texts a request carries, before anything parses them: a GET's `query`, a POST's, or each of a batch's. */
export function documentTexts(req: GraphQLHttpRequest): string[] {
  const textOf = (v: unknown) => (isObject(v) && typeof v.query === 'string' ? [v.query] : []);
  if (req.method === 'GET') return textOf(req.query);
  if (Array.isArray(req.body)) return req.body.flatMap(textOf);
  return textOf(req.body);
}
