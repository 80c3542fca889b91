/**
 * The response's cache policy (`Cache-Control: max-age=N, public|private`, or `no-store`), computed once per
 * document instead of field by field while it executes.
 *
 * Apollo's cacheControl plugin restricts the policy with the hint of every field as it resolves (the field's
 * `@cacheControl`, else its type's), through `willResolveField`; any plugin with that hook makes Apollo wrap every
 * resolver of the schema and dispatch each field through the plugins, which costs more than graphql-jit saves.
 * The same rules give the same answer from the document alone whenever the fields that may go unresolved (under a
 * null parent, an empty list, a fragment on another type) cannot restrict the policy further than the root fields,
 * which always resolve: then the policy of every field of the operation equals that of its root fields, and that is
 * what Apollo would have computed. Documents where this does not hold (and any with `@skip`/`@include`, or a root
 * field that is not a plain field) are left to Apollo's plugin, field by field, as before: only they pay for the
 * per-field hooks. Either way Apollo's plugin writes the header, so its rules for errors and `no-store` stay its own.
 */
import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { documentPolicy, type Policy } from './static.js';
import type { DocumentNode } from 'graphql';

/**
 * Apollo's cache-control plugin, skipping its per-field hook for documents whose policy is known beforehand.
 * Returns two plugins: Apollo's own disabled (so Apollo does not install it a second time) and the wrapper.
 */
export function cachePolicyPlugins<C extends BaseContext>(): ApolloServerPlugin<C>[] {
  const apollo = ApolloServerPluginCacheControl() as ApolloServerPlugin<C>;
  /** Per parsed document (Apollo keeps one DocumentNode per document text in its bounded store), per operation. */
  const memo = new WeakMap<DocumentNode, Map<string, Policy | null>>();
  const policyOf = (document: DocumentNode, operationName: string | null | undefined, schema: Parameters<typeof documentPolicy>[0]) => {
    let byName = memo.get(document);
    if (!byName) memo.set(document, (byName = new Map()));
    const name = operationName ?? '';
    let policy = byName.get(name);
    if (policy === undefined) {
      policy = documentPolicy(schema, document, operationName ?? undefined);
      byName.set(name, policy);
    }
    return policy;
  };

  const wrapper: ApolloServerPlugin<C> = {
    serverWillStart: (service) => apollo.serverWillStart!(service),
    async requestDidStart(requestContext) {
      const fieldByField = (await apollo.requestDidStart!(requestContext)) as GraphQLRequestListener<C>;
      return {
        async executionDidStart(rc) {
          const known = policyOf(rc.document, rc.operationName, rc.schema);
          if (!known) return fieldByField.executionDidStart?.(rc);
          rc.overallCachePolicy.restrict(known);
          return undefined;
        },
        willSendResponse: (rc) => fieldByField.willSendResponse!(rc),
      };
    },
  };
  return [ApolloServerPluginCacheControlDisabled() as ApolloServerPlugin<C>, wrapper];
}
