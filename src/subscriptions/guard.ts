/**
 * What an HTTP operation meets in Apollo's pipeline and the query guard plugin, a WebSocket operation meets here,
 * in graphql-ws's `onSubscribe`, before anything runs: the token limit while parsing, validation, subscriptions
 * only (queries and mutations go over HTTP, where the cost guard, the response cache and batching live), the
 * shape and cost limits, and the start's requested cost spent from the caller's bucket (RATE_LIMITED when empty).
 */
import {
  GraphQLError,
  getOperationAST,
  parse,
  validate,
  type ExecutionArgs,
  type GraphQLSchema,
} from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { ErrorCode } from '../errors.js';
import type { QueryLimits } from '../plugins/queryCost/index.js';
import { admitDocuments } from '../plugins/queryCost/documentPrice.js';
import { costRefusal, selectionsRefusal, shapeRefusal, tokenRefusal } from '../plugins/queryCost/limits.js';
import { requestedCost } from '../plugins/queryCost/requested.js';
import { measureShape } from '../plugins/queryCost/shape.js';
import type { Caller, RateLimiter } from '../plugins/rateLimit/index.js';

export interface GuardDeps {
  schema: GraphQLSchema;
  limits: QueryLimits;
  rateLimiter: RateLimiter;
}

/** A subscription start spends at least this many points, whatever its selection costs. */
const MIN_START_COST = 1;

/** The arguments to execute the operation with, or the errors that refuse it (sent as one `error` message). */
export async function admitOperation(
  { schema, limits, rateLimiter }: GuardDeps,
  payload: SubscribePayload,
  caller: Caller,
): Promise<ExecutionArgs | readonly GraphQLError[]> {
  // The document's price by size, spent before it is parsed: the same admission step as HTTP's.
  try {
    await admitDocuments(rateLimiter, caller, [payload.query]);
  } catch (err) {
    if (err instanceof GraphQLError) return [err];
    throw err;
  }
  let document;
  try {
    document = parse(payload.query, { maxTokens: limits.tokens });
  } catch (err) {
    const error = err instanceof GraphQLError ? err : new GraphQLError(String(err));
    return [tokenRefusal([error], limits) ?? coded(error, ErrorCode.GRAPHQL_PARSE_FAILED)];
  }
  const invalid = validate(schema, document);
  if (invalid.length > 0) return invalid.map((e) => coded(e, ErrorCode.GRAPHQL_VALIDATION_FAILED));

  const operationName = payload.operationName ?? undefined;
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    return [coded(new GraphQLError('Unable to identify the operation: name it with operationName.'), ErrorCode.GRAPHQL_VALIDATION_FAILED)];
  }
  if (operation.operation !== 'subscription') {
    return [
      coded(
        new GraphQLError(`Only subscriptions are served over WebSocket; send a ${operation.operation} over HTTP (POST /graphql).`),
        ErrorCode.GRAPHQL_VALIDATION_FAILED,
      ),
    ];
  }

  const variableValues = payload.variables ?? undefined;
  const shape = shapeRefusal(measureShape(document, operation), limits);
  if (shape) return [shape];
  const requested = requestedCost(schema, document, operation, variableValues, limits.selections);
  if (!requested.ok) return [selectionsRefusal(limits)];
  if (requested.cost > limits.cost) return [costRefusal(requested.cost, limits, 1)];
  try {
    await rateLimiter.spend(caller, Math.max(MIN_START_COST, requested.cost));
  } catch (err) {
    if (err instanceof GraphQLError) return [err];
    throw err;
  }
  return { schema, document, operationName, variableValues };
}

function coded(error: GraphQLError, code: ErrorCode): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}
