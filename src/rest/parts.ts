/**
 * Schema fragments the routes share: path IDs, page parameters, request headers and the error responses every
 * route can give. What a route declares here is both what AJV validates and what the OpenAPI document says.
 */
import { MAX_PAGE_SIZE } from '../pagination.js';

type Schema = Record<string, unknown>;

/** `{id}` in the path. The prefix is checked by the service, with GraphQL's message (wrong type: 400). */
export function idParams(prefix: string, example: string): Schema {
  return {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', maxLength: 64, description: `A \`${prefix}_…\` ID.`, examples: [example] } },
  };
}

export const DEFAULT_LIMIT = 20;

/** `limit` and `after`, as GraphQL's `first` and `after`. */
export const pageQuery = (defaultLimit = DEFAULT_LIMIT) => ({
  limit: {
    type: 'integer',
    minimum: 0,
    maximum: MAX_PAGE_SIZE,
    default: defaultLimit,
    description: `Items per page, 0 to ${MAX_PAGE_SIZE}.`,
  },
  after: {
    type: 'string',
    maxLength: 500,
    description: "A cursor: the previous page's `pageInfo.endCursor` (same list, filters and sort).",
  },
});

/** A list's cost: one point for the call and one for each item it may return (GraphQL's list rule). */
export const listCost = (req: { query: unknown }) => 1 + ((req.query as { limit?: number }).limit ?? DEFAULT_LIMIT);

/** Conditional GET: documented on every GET. */
export const conditionalHeaders: Schema = {
  type: 'object',
  properties: {
    'if-none-match': {
      type: 'string',
      description: 'An ETag from an earlier response: 304 with no body when the resource has not changed.',
    },
  },
};

const errorResponse = (description: string) => ({ description, $ref: 'Error#' });

const ERRORS: Record<number, string> = {
  400: 'BAD_USER_INPUT: a parameter, header or body field is invalid (`field` names it).',
  401: 'UNAUTHENTICATED: a bad or expired bearer token, or none where one is needed.',
  403: 'FORBIDDEN: signed in, but not allowed.',
  404: 'NOT_FOUND: nothing has that ID.',
  409: 'CONFLICT: the Idempotency-Key was used for a different order, or the order changed meanwhile.',
  422: 'OUT_OF_STOCK: a line asks for more than is left; nothing was taken.',
  429: 'RATE_LIMITED: the caller\'s cost-point bucket (shared with GraphQL) is short; see `Retry-After`.',
};

const etagHeader = { ETag: { type: 'string', description: 'A weak validator of the body, for If-None-Match.' } };
const locationHeader = { Location: { type: 'string', description: 'The path of what was created.' } };
/** What a deprecated route answers besides its body (src/rest/deprecation.ts). */
const deprecationHeaders = {
  Deprecation: { type: 'string', description: 'RFC 9745: when this route was deprecated, `@<epoch seconds>`.', examples: ['@1796083200'] },
  Sunset: { type: 'string', description: 'RFC 8594: the HTTP-date after which it may stop answering.', examples: ['Tue, 01 Jun 2027 00:00:00 GMT'] },
  Link: { type: 'string', description: 'The route to use instead: `<…>; rel="successor-version"`.' },
};

/**
 * A route's responses: the success schema, 304 for GETs, and the errors it can give. 400, 401 (a bad token) and
 * 429 can happen on every route.
 */
export function responses(
  status: 200 | 201,
  body: string,
  description: string,
  opts: { get?: boolean; errors?: number[]; deprecated?: boolean } = {},
): Schema {
  const out: Schema = {
    [status]: {
      description,
      ...(opts.get && { headers: { ...etagHeader, ...(opts.deprecated && deprecationHeaders) } }),
      ...(status === 201 && { headers: locationHeader }),
      $ref: `${body}#`,
    },
  };
  if (opts.get) out[304] = { description: 'Not Modified: If-None-Match matched the current ETag.', type: 'null' };
  for (const code of new Set([400, 401, ...(opts.errors ?? []), 429])) out[code] = errorResponse(ERRORS[code]!);
  return out;
}

type Security = { security: Record<string, string[]>[] };
export const bearer: Security = { security: [{ bearerAuth: [] }] };
/** Works anonymously; a token changes what private fields show. */
export const optionalBearer: Security = { security: [{}, { bearerAuth: [] }] };
