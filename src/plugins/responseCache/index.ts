/**
 * Tags each response with the entities it holds, as it executes: every object of an entity type that a field is
 * resolved on adds its ID (`prd_1`) to the request's cache tags. Lists tag themselves in the services.
 * Installed only when the response cache is on (it runs for every field).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { isPrivate } from '../../cache/document.js';
import type { Context } from '../../context.js';
import { encodeId, ID_PREFIX, type NodeType } from '../../ids.js';

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
            willResolveField({ source, info }) {
              const type = info.parentType.name;
              if (privateTypes.has(type)) contextValue.cache.sawPrivate = true;
              if (!ENTITY_TYPES.has(type) || typeof source !== 'object' || source === null || seen.has(source)) return;
              seen.add(source);
              const id = (source as { id?: unknown }).id;
              if (typeof id === 'number') contextValue.cache.tag(encodeId(type as NodeType, id));
            },
          };
        },
      };
    },
  };
}
