/**
 * The query guard, as an Apollo plugin. Once an operation has parsed and validated (`didResolveOperation`), before
 * any resolver or SQL runs, it measures the operation's shape (depth, aliases, directives) and its requested cost
 * (from the SDL's `@cost` and `@listSize`), refuses what breaks a limit (`QUERY_TOO_COMPLEX`), and charges the
 * requested cost to the caller's bucket (`RATE_LIMITED`, HTTP 429, when it holds too little). The operations of
 * one HTTP batch are costed and charged together (batch.ts).
 *
 * After execution (`willSendResponse`) it costs what the lists really returned, refunds the difference to the
 * bucket, and reports both in `extensions.cost`, on every response to an operation that parsed and validated.
 */
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { getVariableValues, Kind, type DocumentNode, type GraphQLError, type OperationDefinitionNode } from 'graphql';
import { ApiError, ErrorCode } from '../../errors.js';
import type { Context } from '../../context.js';
import type { Caller, RateLimiter, ThrottleStatus } from '../rateLimit/index.js';
import { costPlan, planCost, type CostPlan } from './actual.js';
import { batchOf } from './batch.js';
import {
  costRefusal,
  passwordChecksRefusal,
  PASSWORD_MUTATIONS,
  selectionsRefusal,
  shapeRefusal,
  tokenRefusal,
  type QueryLimits,
} from './limits.js';
import type { RequestedCostMemo } from './memo.js';
import { requestedCost } from './requested.js';
import { measureShape, rootFieldCount, type Shape } from './shape.js';

export { httpBatchHooks } from './batch.js';
export { createRequestedCostMemo, type RequestedCostMemo } from './memo.js';
export { FIXED_LIMITS, queryLimits, type QueryLimits } from './limits.js';

/** The contract's `extensions.cost`. */
export interface CostExtension {
  /** What the operation could cost, charged up front; null when it was too large to cost. */
  requestedQueryCost: number | null;
  /** What it did cost, from what its lists returned; 0 when it did not run. */
  actualQueryCost: number;
  /** The cost limit per request. */
  limit: number;
  throttleStatus: ThrottleStatus;
}

export interface QueryCostOptions {
  limits: QueryLimits;
  rateLimiter: RateLimiter;
  /** Told each operation's `extensions.cost` as it is answered (the request log line). */
  onCost?(ctx: Context, cost: CostExtension): void;
  /** Requested costs already computed (memo.ts), shared with the route's fast path. */
  costs: RequestedCostMemo;
}

/** What the guard knows about one operation. */
interface Costing {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  requested: number | null;
  variables: Record<string, unknown>;
  /** Its cost was charged to the bucket (it passed, alone or in its batch). */
  charged: boolean;
  /** The plan its actual cost is counted along (from the memo when it was costed before). */
  plan(coerced: Record<string, unknown>): CostPlan | null;
}

/** Each operation's shape, measured once (operations live with their documents in Apollo's store). */
const shapes = new WeakMap<OperationDefinitionNode, Shape>();
function shapeOf(document: DocumentNode, operation: OperationDefinitionNode): Shape {
  let shape = shapes.get(operation);
  if (!shape) shapes.set(operation, (shape = measureShape(document, operation)));
  return shape;
}

export function queryCostPlugin({ limits, rateLimiter, onCost, costs }: QueryCostOptions): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request, contextValue: ctx }) {
      // The bucket the request starts with pays and is refunded, even if the request signs someone in meanwhile
      // (signUp and logIn set ctx.viewer): a sign-up must not move its refund to the fresh account's bucket.
      const payer: Caller = { viewer: ctx.viewer, request: ctx.request };
      const batch = batchOf(request.http?.body);
      let settled = false; // costed, or known never to be
      let costing: Costing | undefined;

      return {
        async didResolveOperation({ schema, document, operation, request }) {
          settled = true;
          const unservable = operationRefusal(document, operation, request.operationName);
          if (unservable) {
            batch.leave();
            throw unservable;
          }
          if (!operation) return batch.leave();
          let requested: number;
          let remember = () => {};
          try {
            const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
            const variables = coerced.coerced ?? {};
            const plan = (c: Record<string, unknown>) => costPlan(schema, document, operation, c);
            costing = { document, operation, requested: null, variables, charged: false, plan };
            // Variables that do not fit cost 0 (execution refuses them): only fitting ones go through the memo.
            const memo = coerced.errors ? null : costs.cost(document, operation, request.variables);
            const costed = memo ? memo.result : requestedCost(schema, document, operation, request.variables, limits.selections);
            if (memo) {
              remember = () => memo.remember(variables);
              costing.plan = memo.plan;
            }
            if (costed.ok) costing.requested = costed.cost;
            const refusal = shapeRefusal(shapeOf(document, operation), limits);
            if (refusal) throw refusal;
            if (operation.operation === 'mutation') {
              batch.passwordChecks += rootFieldCount(document, operation, PASSWORD_MUTATIONS);
              if (batch.passwordChecks > limits.passwordChecks) throw passwordChecksRefusal(batch.passwordChecks, limits);
            }
            if (!costed.ok) throw selectionsRefusal(limits);
            requested = costed.cost;
          } catch (error) {
            batch.leave(); // refused on its own: the rest of the batch goes on without it
            throw error;
          }
          await batch.arrive(requested, async (total) => {
            if (total > limits.cost) throw costRefusal(total, limits, batch.size);
            if (total > 0) await rateLimiter.spend(payer, total);
          });
          costing.charged = true;
          remember();
        },

        async willSendResponse(rc) {
          if (!settled) {
            settled = true;
            batch.leave();
          }
          const body = rc.response.body;
          if (body.kind !== 'single') return;
          const tooManyTokens = tokenRefusal(rc.errors, limits);
          if (tooManyTokens) body.singleResult.errors = [visible(tooManyTokens)];
          if (!costing) return;
          const cost = await settle(rc, costing);
          body.singleResult.extensions = { ...body.singleResult.extensions, cost };
          onCost?.(ctx, cost);
        },
      };

      /** Costs what ran, refunds what was charged but not used, and reports both. */
      async function settle(rc: GraphQLRequestContextWillSendResponse<Context>, c: Costing): Promise<CostExtension> {
        let actual = 0;
        let throttleStatus: ThrottleStatus;
        if (c.charged && c.requested !== null) {
          const body = rc.response.body;
          const data = body.kind === 'single' ? body.singleResult.data : undefined;
          try {
            const plan = data ? c.plan(c.variables) : null;
            actual = Math.min(c.requested, plan ? planCost(plan, data) : 0);
          } catch (error) {
            rc.logger.warn(`could not cost the response, so nothing is refunded: ${String(error)}`);
            actual = c.requested;
          }
          throttleStatus = await rateLimiter.refund(payer, c.requested - actual);
        } else {
          throttleStatus = await rateLimiter.status(payer);
        }
        return { requestedQueryCost: c.requested, actualQueryCost: actual, limit: limits.cost, throttleStatus };
      }
    },
  };
}

/**
 * A client's mistake about which operation to run (two operations and no `operationName`, or a name the document
 * does not hold), or a subscription sent over HTTP: a 400 with GRAPHQL_VALIDATION_FAILED, before anything runs.
 */
function operationRefusal(
  document: DocumentNode,
  operation: OperationDefinitionNode | undefined,
  operationName: string | undefined | null,
): GraphQLError | undefined {
  const refuse = (message: string) => new ApiError(ErrorCode.GRAPHQL_VALIDATION_FAILED, message, { http: { status: 400 } });
  if (!operation) {
    const names = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
    if (operationName) return refuse(`The document has no operation named "${clip(operationName)}".`);
    return refuse(`The document holds ${names} operations: say which to run with operationName.`);
  }
  if (operation.operation === 'subscription') {
    return refuse('Subscriptions are served over WebSocket (graphql-transport-ws at /graphql), not over HTTP.');
  }
  return undefined;
}

const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);

/** An error as a client sees it: its message and extensions, without the HTTP part Apollo reads off. */
function visible(error: GraphQLError) {
  const { http: _, ...extensions } = error.extensions;
  return { message: error.message, extensions };
}
