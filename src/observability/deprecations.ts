/**
 * `graphql_deprecated_field_usage_total{coordinate}`: how often operations use each deprecated field, argument,
 * input field or enum value (`Product.rating`, `Query.products(old:)`, `Filter.old`, `Sort.OLD`), so a removal
 * can be decided from data.
 *
 * A document is analyzed once: the coordinates it uses are memoized on the parsed DocumentNode (which Apollo keeps
 * in its document store, so a repeated query is a WeakMap lookup) or, for responses the cache answers before
 * Apollo, on the cache's analysis of the query text. Each executed operation, and each cache hit, then adds 1 to
 * every deprecated coordinate its document uses: per operation, not per resolved field (a deprecated field read
 * on 20 products counts once), and nothing happens per field while executing.
 */
import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import type { CounterTally, TallySeries } from './tally.js';

type Child = TallySeries;

export interface DeprecationUsage {
  /** The Apollo plugin: counts each operation that starts executing. */
  plugin: ApolloServerPlugin;
  /** Counts a response the cache answers, by the query text; `key` stands for that text (memo key). */
  countQuery(key: object, query: string): void;
  /** The deprecated coordinates a document uses, each once (memoized). */
  coordinatesOf(document: DocumentNode): readonly string[];
}

export function deprecationUsage(schema: GraphQLSchema, counter: CounterTally<'coordinate'>): DeprecationUsage {
  const byDocument = new WeakMap<DocumentNode, Child[]>();
  const byKey = new WeakMap<object, Child[]>();
  const coordinates = new WeakMap<DocumentNode, readonly string[]>();

  const coordinatesOf = (document: DocumentNode): readonly string[] => {
    let found = coordinates.get(document);
    if (!found) coordinates.set(document, (found = deprecatedCoordinates(schema, document)));
    return found;
  };
  // Series are bounded by the schema: only its deprecated coordinates.
  const childrenOf = (document: DocumentNode): Child[] => coordinatesOf(document).map((c) => counter.of({ coordinate: c }));

  // One hooks object for every request (no allocation per request).
  const hooks: GraphQLRequestListener<BaseContext> = {
    // Once the operation passed every check and runs: refused operations used nothing.
    async executionDidStart({ document }) {
      let counted = byDocument.get(document);
      if (!counted) byDocument.set(document, (counted = childrenOf(document)));
      for (const child of counted) child.inc();
    },
  };

  return {
    coordinatesOf,
    plugin: { requestDidStart: async () => hooks },
    countQuery(key, query) {
      let counted = byKey.get(key);
      if (!counted) {
        try {
          counted = childrenOf(parse(query));
        } catch {
          counted = []; // the cache answered it, so it parsed; nothing to count otherwise
        }
        byKey.set(key, counted);
      }
      for (const child of counted) child.inc();
    },
  };
}

/** Schema coordinates of the deprecated things a document uses, each once, in the order first met. */
export function deprecatedCoordinates(schema: GraphQLSchema, document: DocumentNode): string[] {
  const found = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (field?.deprecationReason != null && parent) found.add(`${parent.name}.${field.name}`);
      },
      Argument() {
        const arg = typeInfo.getArgument();
        if (arg?.deprecationReason == null) return;
        const directive = typeInfo.getDirective();
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (directive) found.add(`@${directive.name}(${arg.name}:)`);
        else if (field && parent) found.add(`${parent.name}.${field.name}(${arg.name}:)`);
      },
      ObjectField(node) {
        const parent = getNamedType(typeInfo.getParentInputType() ?? undefined);
        const field = parent && isInputObjectType(parent) ? parent.getFields()[node.name.value] : undefined;
        if (field?.deprecationReason != null) found.add(`${parent!.name}.${field.name}`);
      },
      EnumValue() {
        const value = typeInfo.getEnumValue();
        const type = getNamedType(typeInfo.getInputType() ?? undefined);
        if (value?.deprecationReason != null && type && isEnumType(type)) found.add(`${type.name}.${value.name}`);
      },
    }),
  );
  return [...found];
}
