/**
 * The route's fast path: a query whose document Apollo Server has already served (parsed, validated, costed,
 * charged and executed without errors) runs its compiled graphql-jit operation straight from the route, as
 * Mercurius does, without Apollo's request pipeline. Everything the pipeline does for such a request is done here
 * the same way: the requested cost is charged up front and the unused part refunded (`extensions.cost`), the
 * Cache-Control header comes from the document's static policy, the request's facts (operation name, cost) feed
 * the log line and metrics, deprecated fields are counted.
 *
 * Whatever is not the plain case goes to Apollo: first sight of a document, anything that would be refused before
 * running (bad variables, over a limit, an empty bucket), batches, persisted queries, `logIn`/`signUp` (their
 * per-request password limit), documents whose cache policy depends on the data, unusual `Accept` headers. A query
 * that comes back with errors is refunded in full and handed to Apollo, which runs it again and answers it (reads
 * have no side effects). A mutation cannot run twice: its errors are formatted here as Apollo formats them
 * (`formatErrors` below: Apollo's normalization, our `formatError`, the status and headers errors carry).
 *
 * Queries take this path only when the response cache is off (with it on, a miss needs the per-field entity tags of
 * Apollo's pipeline); mutations take it either way (they are never stored, and invalidate through the context).
 * On SQLite a query executes on an execution thread when one is ready (src/graphql/executionPool.ts): admission,
 * refund and the answer stay here, the thread returns the data's bytes and the actual cost.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  getVariableValues,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import { documentBytes } from '../cache/documentStore.js';
import { createContext, type AppDeps, type Context, type Viewer } from '../context.js';
import { asGraphQLError, type Compiled } from '../graphql/executor.js';
import { documentPolicy } from '../plugins/cachePolicy/static.js';
import { batchOf } from '../plugins/queryCost/batch.js';
import { PASSWORD_MUTATIONS, type QueryLimits } from '../plugins/queryCost/limits.js';
import { rootFieldCount } from '../plugins/queryCost/shape.js';
import { chargedActualCost, type RequestedCostMemo } from '../plugins/queryCost/memo.js';
import type { ExecutionPool } from '../graphql/executionPool.js';
import { costJson } from '../plugins/queryCost/costJson.js';
import type { Caller } from '../plugins/rateLimit/index.js';
import type { HttpAnswer } from './cacheHits.js';
import type { GraphQLHttpRequest } from './graphqlRequest.js';

/** What the fast path reads of a request, from fastify's route or the front door (src/http/frontDoor.ts). */
export interface FastRequest extends GraphQLHttpRequest {
  ip: string;
  /** The request's id, for its context (and so its log lines). */
  id: string;
  /**
   * The HTTP request itself (node:http's), the same object for the front door and the route after it: a query that
   * failed here once is not run here again when the route is offered it.
   */
  raw?: object;
}

export interface FastPathOptions {
  schema: GraphQLSchema;
  deps: AppDeps;
  limits: QueryLimits;
  /** Requested costs (shared with the query-cost plugin). */
  costs: RequestedCostMemo;
  /** graphql-jit's compiled operation of a document (src/graphql/executor.ts). */
  compile(document: DocumentNode, operationName: string | undefined): Compiled;
  /** Counts the deprecated fields a document uses (src/observability/deprecations.ts); `key` stands for the text. */
  countDeprecations(key: object, query: string): void;
  /** Queries too (only with the response cache off); mutations always. */
  queries: boolean;
  /** Apollo's `formatError` and whether it includes stack traces, for a mutation's errors. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  includeStacktrace: boolean;
  /** Execution threads (SQLite, src/graphql/executionPool.ts): queries run there when one is ready. */
  threads?: ExecutionPool | null;
  /**
   * Bound on the memo of documents seen: keys, parsed documents (weighed as Apollo's document store weighs them)
   * and compiled operations. @default 16 MiB
   */
  maxBytes?: number;
}

/** A document Apollo served: what the fast path needs to serve it again. */
interface Seen {
  /** Its number, for the execution threads (which keep it compiled by that number). */
  id: number;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  compiled: CompiledQuery;
  /** Apollo's Cache-Control for it (`max-age=60, public`, or `no-store`). */
  cacheControl: string;
  /** The operation's name as the request log names it (Apollo's `operationName`). */
  label: string | null;
}

/** Documents (with their operation name) up to this long take the fast path; longer ones are always Apollo's. */
const TEXT_MAX = 8192;
/** A compiled operation's heap, roughly: its generated function and closures. */
const COMPILED_BYTES = 4096;
const JSON_TYPE = 'application/json; charset=utf-8';
const DATA_OPEN = Buffer.from('{"data":');

export interface FastPath {
  /** Fills the memo: Apollo's hook after a query was answered without errors (so it was admitted and charged). */
  plugin: ApolloServerPlugin<Context>;
  /**
   * Serves the request when it is the plain case: resolves to its answer, or undefined when Apollo must answer it
   * (nothing was charged then).
   */
  serve(req: FastRequest, viewer: Viewer | null): Promise<HttpAnswer | undefined>;
}

export function createFastPath(options: FastPathOptions): FastPath {
  const { schema, deps, limits, costs, compile, countDeprecations, queries, threads, maxBytes = 16 * 1024 * 1024 } = options;
  let documents = 0;
  /** Requests whose query failed here: Apollo answers them (the front door declined, the route must not retry). */
  const declined = new WeakSet<object>();
  const seen = new LRUCache<string, Seen>({
    maxSize: maxBytes,
    sizeCalculation: (entry, key) => key.length * 2 + documentBytes(entry.document) + COMPILED_BYTES,
  });

  const memoKey = (query: string, operationName: string | undefined): string | undefined => {
    if (query.length + (operationName?.length ?? 0) >= TEXT_MAX) return undefined;
    return `${operationName ?? ''}\n${query}`;
  };
  /**
   * `memoKey` by the request's parsed content: the front door hands the same object for the same text
   * (src/http/frontDoor.ts), so its key is built, and hashed as a Map key, once rather than on every request.
   */
  const keys = new WeakMap<object, string | undefined>();
  const keyOf = ({ fields, query, operationName }: PlainRequest): string | undefined => {
    if (keys.has(fields)) return keys.get(fields);
    const key = memoKey(query, operationName);
    keys.set(fields, key);
    return key;
  };

  const remember = (query: string, operationName: string | undefined, document: DocumentNode, operation: OperationDefinitionNode) => {
    const key = memoKey(query, operationName);
    if (key === undefined || seen.has(key)) return;
    if (operation.operation === 'query' ? !queries : operation.operation !== 'mutation') return;
    // logIn and signUp: the per-request password limit is Apollo's to count.
    if (operation.operation === 'mutation' && rootFieldCount(document, operation, PASSWORD_MUTATIONS) > 0) return;
    const policy = documentPolicy(schema, document, operationName);
    if (!policy) return; // the policy depends on the data: Apollo's plugin computes it field by field
    const compiled = compile(document, operationName);
    if (!isCompiledQuery(compiled)) return;
    const maxAge = policy.maxAge ?? 0;
    seen.set(key, {
      id: ++documents,
      document,
      operation,
      compiled,
      cacheControl: maxAge > 0 ? `max-age=${maxAge}, ${(policy.scope ?? 'PUBLIC').toLowerCase()}` : 'no-store',
      label: operation.name?.value || null,
    });
  };

  /** The operation's requested cost and coerced variables, or null when Apollo must answer (bad variables, limits). */
  const costOf = (entry: Seen, variables: Record<string, unknown> | undefined) => {
    const coerced = getVariableValues(schema, entry.operation.variableDefinitions ?? [], variables ?? {});
    if (coerced.errors) return null;
    const costing = costs.cost(entry.document, entry.operation, variables);
    if (!costing.result.ok || costing.result.cost > limits.cost) return null;
    return { requested: costing.result.cost, coerced: coerced.coerced, costing };
  };

  const plugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, document, operation }) {
          if (!operation || !document || typeof request.query !== 'string') return;
          if (response.body.kind !== 'single' || response.body.singleResult.errors) return;
          if (request.http?.method !== 'POST' && request.http?.method !== 'GET') return;
          if (batchOf(request.http.body).size !== 1) return;
          const name = request.operationName ?? undefined;
          if (name === '') return;
          remember(request.query, name, document, operation);
        },
      };
    },
  };

  async function serve(req: FastRequest, viewer: Viewer | null): Promise<HttpAnswer | undefined> {
    if (req.raw && declined.has(req.raw)) return undefined;
    const incoming = plainRequest(req);
    if (!incoming) return undefined;
    const key = keyOf(incoming);
    const entry = key === undefined ? undefined : seen.get(key);
    if (!entry) return undefined;
    const mutation = entry.operation.operation === 'mutation';
    if (mutation && req.method !== 'POST') return undefined; // Apollo refuses a mutation over GET
    const cost = costOf(entry, incoming.variables);
    if (!cost) return undefined;
    const { requested, coerced } = cost;

    const payer: Caller = { viewer, request: { ip: req.ip } };
    try {
      if (requested > 0) await deps.rateLimiter.spend(payer, requested);
    } catch {
      return undefined; // an empty bucket (or a store that does not answer): Apollo refuses it, nothing was taken
    }
    cost.costing.remember(coerced);

    const onThread = mutation ? undefined : threads?.run(entry.id, incoming.query, incoming.operationName, incoming.variables, coerced, viewer, req, requested);
    if (onThread) {
      const executed = await onThread;
      if (!executed) {
        if (req.raw) declined.add(req.raw);
        await deps.rateLimiter.refund(payer, requested).catch(() => undefined);
        return undefined;
      }
      const throttleStatus = await deps.rateLimiter.refund(payer, requested - executed.actual);
      countDeprecations(entry, incoming.query);
      const cost = costJson({ requestedQueryCost: requested, actualQueryCost: executed.actual, limit: limits.cost, throttleStatus });
      return {
        status: 200,
        headers: [['cache-control', entry.cacheControl], ['content-type', JSON_TYPE], ['x-cache', 'BYPASS']],
        // The same bytes as JSON.stringify({ data, extensions }) below, with the data serialized on the thread.
        body: Buffer.concat([DATA_OPEN, executed.data, Buffer.from(`,"extensions":{"cost":${cost}}}\n`)]),
        operation: entry.label ?? '(anonymous)',
        cost: { requested, actual: executed.actual },
      };
    }

    const ctx = createContext(deps, viewer, { ip: req.ip, requestId: req.id });
    if (mutation) countDeprecations(entry, incoming.query); // Apollo counts once execution starts, errors or not
    let result;
    let thrown: unknown;
    try {
      result = await entry.compiled.query(undefined, ctx, incoming.variables ?? {});
    } catch (err) {
      thrown = err;
    }
    const failed = !result || !!result.errors || !result.data;
    if (failed && !mutation) {
      // A query's errors keep Apollo's shape: give everything back and let Apollo run it again and answer.
      if (req.raw) declined.add(req.raw);
      await deps.rateLimiter.refund(payer, requested).catch(() => undefined);
      return undefined;
    }
    // A mutation's errors, as Apollo answers them: the executor's errors normalized, formatted, with their status.
    const errors = failed ? formatErrors(result ? (result.errors ?? []).map(asGraphQLError) : [thrown], options) : null;
    const data = result ? result.data : undefined;
    const actual = data ? chargedActualCost(cost.costing, coerced, data, requested) : 0;
    const throttleStatus = await deps.rateLimiter.refund(payer, requested - actual);
    if (!mutation) countDeprecations(entry, incoming.query);
    const headers: [string, string][] = errors ? [...errors.headers] : [];
    headers.push(['cache-control', errors ? 'no-store' : entry.cacheControl], ['content-type', JSON_TYPE], ['x-cache', 'BYPASS']);
    const extensions = { cost: { requestedQueryCost: requested, actualQueryCost: actual, limit: limits.cost, throttleStatus } };
    return {
      status: errors?.status ?? (result ? 200 : 500),
      headers,
      body: `${JSON.stringify({ errors: errors?.formatted, data, extensions })}\n`,
      operation: entry.label ?? '(anonymous)',
      cost: { requested, actual },
    };
  }

  return { plugin, serve };
}

/**
 * Apollo's normalization of execution errors (`normalizeAndFormatErrors`, errorNormalize.ts in @apollo/server):
 * each becomes a GraphQLError with a code (INTERNAL_SERVER_ERROR when it has none), its `extensions.http` read off
 * into the response's status and headers, a stack trace outside production, then the server's `formatError`.
 */
function formatErrors(
  errors: readonly unknown[],
  { formatError, includeStacktrace }: Pick<FastPathOptions, 'formatError' | 'includeStacktrace'>,
): { formatted: GraphQLFormattedError[]; status: number | undefined; headers: Map<string, string> } {
  let status: number | undefined;
  const headers = new Map<string, string>();
  const enrich = (maybeError: unknown): GraphQLFormattedError => {
    const error = maybeError instanceof Error ? maybeError : new GraphQLError(`Unexpected error value: ${String(maybeError)}`);
    const graphqlError = error instanceof GraphQLError ? error : new GraphQLError(error.message, { originalError: error });
    const extensions: Record<string, unknown> = { ...graphqlError.extensions, code: graphqlError.extensions.code ?? 'INTERNAL_SERVER_ERROR' };
    const http = extensions.http as { status?: unknown; headers?: unknown } | undefined;
    if (http && typeof http === 'object' && (!('status' in http) || typeof http.status === 'number') && (!('headers' in http) || http.headers instanceof Map)) {
      if (http.status) status = http.status as number;
      if (http.headers) for (const [name, value] of http.headers as Map<string, string>) headers.set(name, value);
      delete extensions.http;
    }
    if (includeStacktrace) extensions.stacktrace = graphqlError.stack?.split('\n');
    return { ...graphqlError.toJSON(), extensions };
  };
  const formatted = errors.map((error) => {
    try {
      return formatError(enrich(error), error);
    } catch (formattingError) {
      if (includeStacktrace) return enrich(formattingError);
      return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
  });
  return { formatted, status, headers };
}

interface PlainRequest {
  /** The parsed body (POST) or query string (GET) the rest was read from. */
  fields: object;
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
}

/**
 * The request as the fast path serves it: one operation with its text, no extensions, a JSON POST (or a GET with a
 * preflight-forcing header, as Apollo's CSRF prevention wants), answered as `application/json`. Null otherwise.
 */
function plainRequest(req: GraphQLHttpRequest): PlainRequest | null {
  const accept = req.headers.accept;
  if (accept !== undefined && accept !== '*/*' && accept !== 'application/json') return null;
  let fields: Record<string, unknown>;
  let variables: unknown;
  if (req.method === 'POST') {
    const type = req.headers['content-type'];
    if (type !== 'application/json' && type !== 'application/json; charset=utf-8') return null;
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
    fields = body as Record<string, unknown>;
    variables = fields.variables;
  } else if (req.method === 'GET') {
    if (req.headers['content-type'] !== undefined) return null;
    if (!req.headers['apollo-require-preflight'] && !req.headers['x-apollo-operation-name']) return null;
    fields = req.query as Record<string, unknown>;
    if (fields.extensions !== undefined) return null; // (persisted queries: before parsing anything)
    if (fields.variables !== undefined) {
      if (typeof fields.variables !== 'string') return null;
      try {
        variables = JSON.parse(fields.variables);
      } catch {
        return null;
      }
    }
  } else {
    return null;
  }
  const { query, operationName } = fields;
  if (typeof query !== 'string' || fields.extensions !== undefined) return null;
  if (operationName !== undefined && operationName !== null && (typeof operationName !== 'string' || operationName === '')) return null;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
  return {
    fields,
    query,
    operationName: (operationName as string | null | undefined) ?? undefined,
    variables: (variables as Record<string, unknown> | null | undefined) ?? undefined,
  };
}
