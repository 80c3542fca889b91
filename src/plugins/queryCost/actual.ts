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
  getArgumentValues,
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
import { costModel, listSizeOf } from './model.js';
import { COUNT_FIELD } from './requested.js';

type Data = Record<string, unknown>;

/** What a connection's sized children (`edges`, `nodes`) came to, and how many items they held. */
interface Tally {
  sizedCost: number;
  items: number;
  /** Some sized child was selected and returned. */
  sizedSeen: boolean;
  /** `totalCount` was selected and returned. */
  counted: boolean;
}

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

  /**
   * The cost of an object's selections; `sized` names the children a connection's size applies to, and `tally`
   * collects what those children came to and how many items they held (a connection's items count at least 1).
   */
  const objectCost = (set: SelectionSetNode, type: GraphQLCompositeType, obj: Data, sized: readonly string[], tally?: Tally): number => {
    if (isObjectType(type)) return selectionsCost(set, type, obj, sized, tally);
    let most = 0;
    for (const possible of schema.getPossibleTypes(type as Exclude<GraphQLCompositeType, GraphQLObjectType>)) {
      most = Math.max(most, selectionsCost(set, possible, obj, sized));
    }
    return most;
  };

  const selectionsCost = (set: SelectionSetNode, type: GraphQLObjectType, obj: Data, sized: readonly string[], tally?: Tally): number => {
    let total = 0;
    for (const node of set.selections) {
      if (!included(node)) continue;
      if (node.kind === Kind.FIELD) total += fieldCost(node, type, obj, sized, tally);
      else if (node.kind === Kind.INLINE_FRAGMENT) {
        if (applies(node.typeCondition?.name.value, type)) total += selectionsCost(node.selectionSet, type, obj, sized, tally);
      } else {
        const fragment = fragments.get(node.name.value);
        if (fragment && applies(fragment.type, type)) total += selectionsCost(fragment.selectionSet, type, obj, sized, tally);
      }
    }
    return total;
  };

  const fieldCost = (node: FieldNode, parent: GraphQLObjectType, obj: Data, sized: readonly string[], tally?: Tally): number => {
    const key = node.alias?.value ?? node.name.value;
    if (!(key in obj)) return 0;
    const field = fieldDef(schema, parent, node.name.value);
    if (!field) return 0; // __typename
    const { weight, listSize, isList } = model.field(field);
    const named = getNamedType(field.type);
    const childSized = listSize?.sizedFields ?? [];
    const args = () => getArgumentValues(field, node, variables);
    const filters = model.hasArgumentCost(field) ? model.argumentsCost(field, args()) : 0;
    const itemCost = (item: unknown): number => {
      if (item === null || item === undefined) return 0;
      if (childSized.length === 0 || typeof item !== 'object') {
        const children = node.selectionSet && isCompositeType(named) && typeof item === 'object' ? objectCost(node.selectionSet, named, item as Data, childSized) : 0;
        return weight + children;
      }
      // A connection: its items count at least 1 each; without edges or nodes, as many as it was asked for.
      const own: Tally = { sizedCost: 0, items: 0, sizedSeen: false, counted: false };
      const children = node.selectionSet && isCompositeType(named) ? objectCost(node.selectionSet, named, item as Data, childSized, own) : 0;
      const items = own.sizedSeen ? own.items : listSizeOf(listSize!, args());
      return weight + children + Math.max(0, items - own.sizedCost) + (own.counted ? filters : 0);
    };
    const value = obj[key];
    const cost = (() => {
      if (!isList) return value === null ? weight : itemCost(value);
      if (!Array.isArray(value)) return 0;
      const items = (value as unknown[]).flat(Infinity);
      const costs = items.map(itemCost);
      // A list that declares a size, or is sized by its connection, counts every item; any other list, one item.
      const counted = listSize !== null || sized.includes(field.name);
      if (tally && sized.includes(field.name)) {
        tally.sizedSeen = true;
        tally.items = Math.max(tally.items, items.length);
      }
      return costs.reduce((a, b) => (counted ? a + b : Math.max(a, b)), 0);
    })();
    if (tally && sized.includes(field.name)) tally.sizedCost += cost;
    if (tally && field.name === COUNT_FIELD) tally.counted = true;
    return cost + (value === null || value === undefined ? 0 : filters);
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
