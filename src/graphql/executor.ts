/**
 * The executor Apollo runs operations with when OPTIMIZATIONS is on: graphql-jit, plugged in through Apollo's
 * `gateway` interface (Apollo 5 has no `executor` option; a gateway hands Apollo a schema and an executor).
 *
 * Everything before and after execution stays Apollo's: parsing, validation, the document store, plugins
 * (`didResolveOperation` costs and charges, `willSendResponse` refunds and sets Cache-Control), error formatting.
 * Per-field plugin hooks keep working too: Apollo wraps every field resolver of the schema in place
 * (`willResolveField`, which the cacheControl and entity-tag plugins use) before it calls the executor, and the
 * compiled query calls those wrapped resolvers with the same context.
 *
 * A document is compiled once per operation name and kept with the parsed document Apollo caches (a WeakMap on
 * the DocumentNode), so a repeated query costs a map lookup, not a compile.
 */
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { getVariableValues, GraphQLError, printSchema, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

export type Compiled = CompiledQuery | ExecutionResult;
type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;

export interface JitExecutor {
  /** The gateway Apollo executes through. */
  gateway: GatewayInterface;
  /**
   * The compiled operation of a parsed document (compiled on first use, kept with the document): what the route's
   * fast path (src/http/fastPath.ts) runs for documents Apollo has already served.
   */
  compile(document: DocumentNode, operationName: string | undefined): Compiled;
}

/** A gateway that serves `schema` itself and executes with graphql-jit. */
export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  return jitExecutor(schema).gateway;
}

/** graphql-jit for `schema`: the gateway Apollo uses, and the compiled operations it runs, for the route. */
export function jitExecutor(schema: GraphQLSchema): JitExecutor {
  const listeners = new Set<Parameters<GatewayInterface['onSchemaLoadOrUpdate']>[0]>();
  const compiled = new WeakMap<DocumentNode, Map<string, Compiled>>();

  const compile = (document: DocumentNode, operationName: string | undefined): Compiled => {
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map()));
    const name = operationName ?? '';
    let query = byName.get(name);
    if (!query) {
      query = compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true });
      byName.set(name, query);
    }
    return query;
  };

  const executor: GatewayExecutor = async ({ document, request, operation, operationName, context }) => {
    // Variables are checked by graphql-js first: its errors carry the variable's node, which is how Apollo tells a
    // bad variable (BAD_USER_INPUT, HTTP 400) from a failure; graphql-jit's would not.
    if (operation.variableDefinitions?.length) {
      const { errors } = getVariableValues(schema, operation.variableDefinitions, request.variables ?? {});
      if (errors) return { errors };
    }
    const query = compile(document, operationName ?? undefined);
    if (!isCompiledQuery(query)) return query; // Apollo validated it first, so this is rare: report as graphql-js would
    const result = await query.query(undefined, context, request.variables ?? {});
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };

  const gateway: GatewayInterface = {
    async load() {
      for (const listener of listeners) listener({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return { executor };
    },
    onSchemaLoadOrUpdate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {},
  };
  return { gateway, compile };
}

/**
 * graphql-jit reports errors with its own error function (which passes `instanceof GraphQLError` but leaves
 * `extensions` undefined when the cause had none, which Apollo's formatting cannot read). Rebuilt as graphql-js's
 * `locatedError` would have made it: the resolver's error as `originalError` (our formatError unwraps it for its
 * code), its extensions, the path and locations.
 */
export function asGraphQLError(error: GraphQLError): GraphQLError {
  const original = error.originalError ?? undefined;
  const located = new GraphQLError(error.message, {
    path: error.path,
    originalError: original,
    extensions: original ? undefined : error.extensions,
  });
  if (error.locations) Object.defineProperty(located, 'locations', { value: error.locations, enumerable: true });
  return located;
}
