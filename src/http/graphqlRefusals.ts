/**
 * Client mistakes on /graphql that would otherwise surface as server errors, answered as 4xx in GraphQL's error
 * shape (`{ errors: [{ message, extensions: { code } }] }`) before anything else runs: a body that is not JSON,
 * one over the size limit (413), JSON nested deeper than any operation needs (it would overflow the stack of every
 * recursive walk over variables), and a persisted-query hash that does not match the text sent with it.
 */
import { createHash } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../errors.js';
import type { GraphQLHttpRequest } from './graphqlRequest.js';

/** Levels of JSON nesting in a request (its body, or a GET's variables and extensions). @default 32 */
export const MAX_JSON_DEPTH = 32;

export interface Refusal {
  status: number;
  message: string;
  extensions: Record<string, unknown>;
}

/** What an unexpected error on /graphql answers: nothing of the error itself. */
export const INTERNAL_ERROR: Refusal = { status: 500, message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };

export function sendRefusal(reply: FastifyReply, { status, message, extensions }: Refusal) {
  return reply.code(status).header('x-cache', 'BYPASS').send({ errors: [{ message, extensions }] });
}

/** The /graphql route's error handler: fastify's own errors (body parsing, size) in GraphQL's shape. */
export function graphqlErrorHandler(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return sendRefusal(reply, {
      status: 413,
      message: `The request body is larger than ${req.routeOptions.bodyLimit ?? 0} bytes.`,
      extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'body', max: req.routeOptions.bodyLimit },
    });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const message = error.code?.startsWith('FST_ERR_CTP') ? `The request body could not be read: ${error.message}` : error.message;
    return sendRefusal(reply, { status, message, extensions: { code: ErrorCode.BAD_USER_INPUT } });
  }
  req.log.error({ err: error }, 'unexpected error on /graphql');
  return sendRefusal(reply, INTERNAL_ERROR);
}

/** The first mistake this request makes, if any. */
export function requestRefusal(req: GraphQLHttpRequest): Refusal | undefined {
  let pieces: unknown[];
  if (req.method === 'GET') {
    const q = req.query as Record<string, string | undefined>;
    try {
      pieces = [{ query: q.query, variables: parsed(q.variables), extensions: parsed(q.extensions) }];
    } catch {
      return badInput('The "variables" and "extensions" parameters must be JSON.');
    }
  } else {
    pieces = Array.isArray(req.body) ? req.body : [req.body];
  }
  for (const piece of pieces) {
    const depth = jsonDepth(piece, MAX_JSON_DEPTH);
    if (depth > MAX_JSON_DEPTH) {
      return badInput(`The request's JSON nests more than ${MAX_JSON_DEPTH} levels deep.`, { limit: 'jsonDepth', max: MAX_JSON_DEPTH });
    }
    const mismatch = hashMismatch(piece);
    if (mismatch) return badInput(mismatch, { field: 'extensions.persistedQuery' });
  }
  return undefined;
}

const badInput = (message: string, more: Record<string, unknown> = {}): Refusal => ({
  status: 400,
  message,
  extensions: { code: ErrorCode.BAD_USER_INPUT, ...more },
});

function parsed(raw: string | undefined): unknown {
  return raw === undefined || raw === '' ? undefined : JSON.parse(raw);
}

/** How deep `value` nests, walked without recursion; stops counting past `max`. */
export function jsonDepth(value: unknown, max: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > max) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

/** Apollo's persisted-query rules, checked here so the refusal carries a code: version 1, and the hash of the text. */
function hashMismatch(piece: unknown): string | undefined {
  if (typeof piece !== 'object' || piece === null) return undefined;
  const { query, extensions } = piece as { query?: unknown; extensions?: { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } };
  const pq = typeof extensions === 'object' && extensions !== null ? extensions.persistedQuery : undefined;
  if (typeof pq !== 'object' || pq === null) return undefined;
  if (pq.version !== 1) return 'Unsupported persisted query version: send version 1.';
  if (typeof pq.sha256Hash !== 'string') return 'The persisted query needs its sha256Hash.';
  if (typeof query === 'string' && createHash('sha256').update(query).digest('hex') !== pq.sha256Hash) {
    return "The persisted query's sha256Hash does not match its text.";
  }
  return undefined;
}
