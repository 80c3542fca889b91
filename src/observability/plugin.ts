/**
 * The Apollo side of observability: names each request's operation for its log line and duration sample, and
 * counts operations the query guard refused (QUERY_TOO_COMPLEX, by limit). Costs arrive through the query-cost
 * plugin's `onCost` (see `recordCost`), since that plugin settles them last.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context.js';
import { ErrorCode } from '../errors.js';
import type { CostExtension } from '../plugins/queryCost/index.js';
import { tokenRefusal, type QueryLimits } from '../plugins/queryCost/limits.js';
import type { Metrics } from './metrics.js';
import { factsOfContext, recordOperation } from './requestFacts.js';

export function observabilityPlugin(metrics: Metrics, limits: QueryLimits): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const facts = factsOfContext(contextValue);
      return {
        // Runs once the operation is known, before the query guard may refuse it, so refusals are named too.
        async didResolveOperation({ operationName }) {
          recordOperation(facts, operationName);
        },
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            if (error.extensions?.code === ErrorCode.QUERY_TOO_COMPLEX) {
              metrics.refused.inc({ limit: String(error.extensions.limit ?? 'cost') });
            }
          }
          // The parser's own token limit, which the query guard reports as QUERY_TOO_COMPLEX (limit: tokens).
          if (tokenRefusal(errors, limits)) metrics.refused.inc({ limit: 'tokens' });
        },
      };
    },
  };
}

/** The query-cost plugin's `onCost`: a batch's operations add up. */
export function recordCost(ctx: Context, cost: CostExtension): void {
  const facts = factsOfContext(ctx);
  facts.cost = {
    requested: cost.requestedQueryCost === null ? null : (facts.cost?.requested ?? 0) + cost.requestedQueryCost,
    actual: (facts.cost?.actual ?? 0) + cost.actualQueryCost,
  };
}
