/**
 * The route's fast path: a query whose document Apollo Server has already served (parsed, validated, costed,
 * charged and executed without errors) runs its compiled graphql-jit operation straight from the route, as
 * Mercurius does, without Apollo's request pipeline. Everything the pipeline does for such a request is done here
 * the same way: the requested cost is charged up front and the unused part refunded (`extensions.cost`), the
 * Cache-Control header comes from the document's static policy, the request's facts (operation name, cost) feed
 * the log line and metrics, deprecated fields are counted.
 *
 * Whatever is not the plain case goes to Apollo: first sight of a document, anything that would be refused or
 * answered with errors (bad variables, over a limit, an empty bucket, a resolver error), batches, persisted queries,
 * mutations, documents whose cache policy depends on the data, unusual `Accept` headers. A query that comes back
 * with errors is refunded in full and handed to Apollo, which runs it again and answers it (reads have no side
 * effects), so every error keeps Apollo's shape and status.
 *
 * Used only when the response cache is off: with it on, a miss needs the per-field entity tags of Apollo's pipeline.
 */
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { getVariableValues, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import { documentBytes } from '../cache/documentStore.js';
import { createContext, type AppDeps, type Context, type Viewer } from '../context.js';
import type { Compiled } from '../graphql/executor.js';
import { factsOf, recordOperation } from '../observability/requestFacts.js';
import { documentPolicy } from '../plugins/cachePolicy/static.js';
import { planCost } from '../plugins/queryCost/actual.js';
import { batchOf } from '../plugins/queryCost/batch.js';
import type { QueryLimits } from '../plugins/queryCost/limits.js';
import type { RequestedCostMemo } from '../plugins/queryCost/memo.js';
import type { Caller } from '../plugins/rateLimit/index.js';

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
  /**
   * Bound on the memo of documents seen: keys, parsed documents (weighed as Apollo's document store weighs them)
   * and compiled operations. @default 16 MiB
   */
  maxBytes?: number;
}

/** A document Apollo served: what the fast path needs to serve it again. */
interface Seen {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  compiled: CompiledQuery;
  /** Apollo's Cache-Control for it (`max-age=60, public`, or `no-store`). */
  cacheControl: string;
  /** The operation's name as the request log names it (Apollo's `operationName`). */
  label: string | null;
}

/** Texts up to this long key the memo as they are; longer ones by their sha256 (never kept whole twice). */
const TEXT_KEY_MAX = 2048;
/** A compiled operation's heap, roughly: its generated function and closures. */
const COMPILED_BYTES = 4096;
const JSON_TYPE = 'application/json; charset=utf-8';

export interface FastPath {
  /** Fills the memo: Apollo's hook after a query was answered without errors (so it was admitted and charged). */
  plugin: ApolloServerPlugin<Context>;
  /**
   * Serves the request when it is the plain case: resolves to the body sent (status and headers set on `reply`),
   * or undefined when Apollo must answer it (nothing was charged then, and nothing was written to `reply`).
   */
  serve(req: FastifyRequest, reply: FastifyReply, viewer: Viewer | null): Promise<string | undefined>;
}

export function createFastPath({ schema, deps, limits, costs, compile, countDeprecations, maxBytes = 16 * 1024 * 1024 }: FastPathOptions): FastPath {
  const seen = new LRUCache<string, Seen>({
    maxSize: maxBytes,
    sizeCalculation: (entry, key) => key.length * 2 + documentBytes(entry.document) + COMPILED_BYTES,
  });

  const memoKey = (query: string, operationName: string | undefined) => {
    const whole = `${operationName ?? ''}\n${query}`;
    return whole.length <= TEXT_KEY_MAX ? whole : `#${createHash('sha256').update(whole).digest('base64url')}`;
  };

  const remember = (query: string, operationName: string | undefined, document: DocumentNode, operation: OperationDefinitionNode) => {
    const key = memoKey(query, operationName);
    if (seen.has(key)) return;
    const policy = documentPolicy(schema, document, operationName);
    if (!policy) return; // the policy depends on the data: Apollo's plugin computes it field by field
    const compiled = compile(document, operationName);
    if (!isCompiledQuery(compiled)) return;
    const maxAge = policy.maxAge ?? 0;
    seen.set(key, {
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
          if (!operation || operation.operation !== 'query' || !document || typeof request.query !== 'string') return;
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

  async function serve(req: FastifyRequest, reply: FastifyReply, viewer: Viewer | null): Promise<string | undefined> {
    const incoming = plainRequest(req);
    if (!incoming) return undefined;
    const entry = seen.get(memoKey(incoming.query, incoming.operationName));
    if (!entry) return undefined;
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

    const ctx = createContext(deps, viewer, { ip: req.ip, requestId: req.id });
    let result;
    try {
      result = await entry.compiled.query(undefined, ctx, incoming.variables ?? {});
    } catch {
      result = undefined;
    }
    if (!result || result.errors || !result.data) {
      // Errors keep Apollo's shape: give everything back and let Apollo run it again and answer.
      await deps.rateLimiter.refund(payer, requested).catch(() => undefined);
      return undefined;
    }
    let actual: number;
    try {
      const plan = cost.costing.plan(coerced);
      actual = Math.min(requested, plan ? planCost(plan, result.data) : 0);
    } catch {
      actual = requested;
    }
    const throttleStatus = await deps.rateLimiter.refund(payer, requested - actual);
    countDeprecations(entry, incoming.query);
    const facts = factsOf(req);
    recordOperation(facts, entry.label);
    facts.cost = { requested, actual };
    void reply.code(200).header('cache-control', entry.cacheControl).header('content-type', JSON_TYPE).header('x-cache', 'BYPASS');
    const extensions = { cost: { requestedQueryCost: requested, actualQueryCost: actual, limit: limits.cost, throttleStatus } };
    return `${JSON.stringify({ data: result.data, extensions })}\n`;
  }

  return { plugin, serve };
}

interface PlainRequest {
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
}

/**
 * The request as the fast path serves it: one operation with its text, no extensions, a JSON POST (or a GET with a
 * preflight-forcing header, as Apollo's CSRF prevention wants), answered as `application/json`. Null otherwise.
 */
function plainRequest(req: FastifyRequest): PlainRequest | null {
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
    query,
    operationName: (operationName as string | null | undefined) ?? undefined,
    variables: (variables as Record<string, unknown> | null | undefined) ?? undefined,
  };
}
