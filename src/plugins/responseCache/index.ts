/**
 * Tags each response with the entities it holds, as it executes: every object of an entity type that a field is
 * resolved on adds its ID (`prd_1`) to the request's cache tags, and so does every ID a field asks for by its `id`
 * argument, found or not. Lists tag themselves in the services.
 * Installed only when the response cache is on (it runs for every field).
 *
 * It also holds the response until the invalidations the operation started are done (on Redis they are a round
 * trip): once a mutation has answered, no instance serves a read it made stale.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { isPrivate } from '../../cache/document.js';
import type { Context } from '../../context.js';
import { decodeAnyId, encodeId, ID_PREFIX, type NodeType } from '../../ids.js';

const ENTITY_TYPES = new Set(Object.keys(ID_PREFIX));

export function entityTagPlugin(schema: GraphQLSchema): ApolloServerPlugin<Context> {
  const privateTypes = new Set(
    Object.values(schema.getTypeMap())
      .filter((t) => isPrivate(t.astNode))
      .map((t) => t.name),
  );
  return {
    async requestDidStart() {
      return {
        async executionDidStart({ contextValue }) {
          const seen = new WeakSet<object>();
          return {
            willResolveField({ source, args, info }) {
              // The ID a field asks for tags the response whether or not it names anything yet, so creating it
              // purges a cached null (`product(id: "prd_<next>")` before createProduct).
              if (typeof args.id === 'string') tagAskedId(contextValue, args.id);
              const type = info.parentType.name;
              if (privateTypes.has(type)) contextValue.cache.sawPrivate = true;
              if (!ENTITY_TYPES.has(type) || typeof source !== 'object' || source === null || seen.has(source)) return;
              seen.add(source);
              const id = (source as { id?: unknown }).id;
              if (typeof id === 'number') contextValue.cache.tag(encodeId(type as NodeType, id));
            },
          };
        },
        async willSendResponse({ contextValue }) {
          await contextValue.cache.settled();
        },
      };
    },
  };
}

/** Tags the entity an `id` argument names; an ID that does not decode is refused by the resolver, and tags nothing. */
function tagAskedId(ctx: Context, id: string): void {
  let decoded;
  try {
    decoded = decodeAnyId(id);
  } catch {
    return;
  }
  ctx.cache.tag(encodeId(decoded.type, decoded.key));
}
