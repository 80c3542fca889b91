/**
 * The actual cost of an operation, after it ran: the same rules as the requested cost (model.ts), with every
 * list's size replaced by what it really returned. It walks the response data along the operation, so it costs
 * nothing while resolvers run. A field missing from the data (skipped, or of another type) costs nothing; a field
 * that came back null costs its own weight; an interface or union counts its most expensive possible type, as the
 * requested cost does, since the data does not say which type it was.
 */
import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  getDirectiveValues,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { costModel } from './model.js';

type Data = Record<string, unknown>;

export function actualCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  data: Data | null | undefined,
): number {
  const root = schema.getRootType(operation.operation);
  if (!root || !data) return 0;
  const model = costModel(schema);
  const fragments = new Map<string, { type: string; selectionSet: SelectionSetNode }>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(def.name.value, { type: def.typeCondition.name.value, selectionSet: def.selectionSet });
    }
  }

  const included = (node: SelectionNode) =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;

  const applies = (condition: string | undefined, type: GraphQLObjectType) => {
    if (condition === undefined || condition === type.name) return true;
    const target = schema.getType(condition);
    return !!target && isAbstractType(target) && schema.isSubType(target, type);
  };

  /** The cost of an object's selections; `sized` names the children a connection's size applies to. */
  const objectCost = (set: SelectionSetNode, type: GraphQLCompositeType, obj: Data, sized: readonly string[]): number => {
    if (isObjectType(type)) return selectionsCost(set, type, obj, sized);
    let most = 0;
    for (const possible of schema.getPossibleTypes(type as Exclude<GraphQLCompositeType, GraphQLObjectType>)) {
      most = Math.max(most, selectionsCost(set, possible, obj, sized));
    }
    return most;
  };

  const selectionsCost = (set: SelectionSetNode, type: GraphQLObjectType, obj: Data, sized: readonly string[]): number => {
    let total = 0;
    for (const node of set.selections) {
      if (!included(node)) continue;
      if (node.kind === Kind.FIELD) total += fieldCost(node, type, obj, sized);
      else if (node.kind === Kind.INLINE_FRAGMENT) {
        if (applies(node.typeCondition?.name.value, type)) total += selectionsCost(node.selectionSet, type, obj, sized);
      } else {
        const fragment = fragments.get(node.name.value);
        if (fragment && applies(fragment.type, type)) total += selectionsCost(fragment.selectionSet, type, obj, sized);
      }
    }
    return total;
  };

  const fieldCost = (node: FieldNode, parent: GraphQLObjectType, obj: Data, sized: readonly string[]): number => {
    const key = node.alias?.value ?? node.name.value;
    if (!(key in obj)) return 0;
    const field = fieldDef(schema, parent, node.name.value);
    if (!field) return 0; // __typename
    const { weight, listSize, isList } = model.field(field);
    const named = getNamedType(field.type);
    const childSized = listSize?.sizedFields ?? [];
    const itemCost = (item: unknown): number => {
      if (item === null || item === undefined) return 0;
      const children =
        node.selectionSet && isCompositeType(named) && typeof item === 'object'
          ? objectCost(node.selectionSet, named, item as Data, childSized)
          : 0;
      return weight + children;
    };
    const value = obj[key];
    if (!isList) return value === null ? weight : itemCost(value);
    if (!Array.isArray(value)) return 0;
    const items = (value as unknown[]).flat(Infinity).map(itemCost);
    // A list that declares a size, or is sized by its connection, counts every item; any other list, one item.
    const counted = listSize !== null || sized.includes(field.name);
    return items.reduce((a, b) => (counted ? a + b : Math.max(a, b)), 0);
  };

  return objectCost(operation.selectionSet, root, data, []);
}

function fieldDef(schema: GraphQLSchema, parent: GraphQLObjectType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return parent.getFields()[name];
}
