/**
 * The actual cost of an operation, after it ran: the same rules as the requested cost (model.ts), with every
 * list's size replaced by what it really returned. It walks the response data along the operation, so it costs
 * nothing while resolvers run. A field missing from the data (skipped, or of another type) costs nothing; a field
 * that came back null costs its own weight; an interface or union counts its most expensive possible type, as the
 * requested cost does, since the data does not say which type it was.
 *
 * The operation is turned into a plan once per set of variables it depends on (`costPlan`: which selections apply
 * to which type, each field's weight, size and argument cost), and each response is costed by walking its data
 * along the plan (`planCost`), which allocates next to nothing.
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

/** The selections that apply to an object: of its type, or (an interface or union) of each possible type. */
type Selections = { fields: FieldPlan[] } | { possible: FieldPlan[][] };

interface FieldPlan {
  /** The response key (alias or name). */
  key: string;
  weight: number;
  isList: boolean;
  /** The field has `@listSize`. */
  sizedList: boolean;
  /** Children a connection's size applies to (`edges`, `nodes`), when it is one. */
  connection: boolean;
  /** The connection's size from its arguments (`first`), for when neither edges nor nodes came back. */
  items: number;
  /** What `@cost` arguments add. */
  filters: number;
  /** This field is one of its parent connection's sized children. */
  sized: boolean;
  /** This field is its parent connection's `totalCount`. */
  isCount: boolean;
  children: Selections | null;
}

export interface CostPlan {
  root: FieldPlan[];
  /** Field plans it holds (its size, for memos). */
  fields: number;
}

/** The operation's plan for these (coerced) variables; null when the schema has no such root type. */
export function costPlan(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): CostPlan | null {
  const root = schema.getRootType(operation.operation);
  if (!root) return null;
  const model = costModel(schema);
  const fragments = new Map<string, { type: string; selectionSet: SelectionSetNode }>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(def.name.value, { type: def.typeCondition.name.value, selectionSet: def.selectionSet });
    }
  }
  let fields = 0;

  const included = (node: SelectionNode) =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;

  const applies = (condition: string | undefined, type: GraphQLObjectType) => {
    if (condition === undefined || condition === type.name) return true;
    const target = schema.getType(condition);
    return !!target && isAbstractType(target) && schema.isSubType(target, type);
  };

  const selectionsOf = (set: SelectionSetNode, type: GraphQLCompositeType, sized: readonly string[]): Selections => {
    if (isObjectType(type)) return { fields: planFields(set, type, sized, []) };
    const possible = schema.getPossibleTypes(type as Exclude<GraphQLCompositeType, GraphQLObjectType>);
    return { possible: possible.map((t) => planFields(set, t, sized, [])) };
  };

  /** The fields of `set` that apply to `type`, fragments spread in place, in document order. */
  const planFields = (set: SelectionSetNode, type: GraphQLObjectType, sized: readonly string[], out: FieldPlan[]): FieldPlan[] => {
    for (const node of set.selections) {
      if (!included(node)) continue;
      if (node.kind === Kind.FIELD) {
        const plan = planField(node, type, sized);
        if (plan) out.push(plan);
      } else if (node.kind === Kind.INLINE_FRAGMENT) {
        if (applies(node.typeCondition?.name.value, type)) planFields(node.selectionSet, type, sized, out);
      } else {
        const fragment = fragments.get(node.name.value);
        if (fragment && applies(fragment.type, type)) planFields(fragment.selectionSet, type, sized, out);
      }
    }
    return out;
  };

  const planField = (node: FieldNode, parent: GraphQLObjectType, sized: readonly string[]): FieldPlan | null => {
    const field = fieldDef(schema, parent, node.name.value);
    if (!field) return null; // __typename
    const { weight, listSize, isList } = model.field(field);
    const named = getNamedType(field.type);
    const childSized = listSize?.sizedFields ?? [];
    const connection = childSized.length > 0;
    const args = model.hasArgumentCost(field) || connection ? getArgumentValues(field, node, variables) : undefined;
    const plan: FieldPlan = {
      key: node.alias?.value ?? node.name.value,
      weight,
      isList,
      sizedList: listSize !== null,
      connection,
      items: connection ? listSizeOf(listSize!, args!) : 0,
      filters: model.hasArgumentCost(field) ? model.argumentsCost(field, args!) : 0,
      sized: sized.includes(field.name),
      isCount: field.name === COUNT_FIELD,
      children: node.selectionSet && isCompositeType(named) ? selectionsOf(node.selectionSet, named, childSized) : null,
    };
    // A field that can only ever cost 0 (a scalar, or an object of weight 0 holding only such fields) is left out of
    // the plan: most of a response's fields are scalars, and the walk then visits only what can cost something.
    if (costsNothing(plan)) return null;
    fields++;
    return plan;
  };

  const plan = planFields(operation.selectionSet, root, [], []);
  return { root: plan, fields };
}

/** Whatever `data` holds under it, this field adds 0 to the cost and nothing to its connection's tally. */
function costsNothing(plan: FieldPlan): boolean {
  if (plan.weight !== 0 || plan.filters !== 0 || plan.sized || plan.isCount || plan.connection) return false;
  const children = plan.children;
  if (children === null) return true;
  return 'fields' in children ? children.fields.length === 0 : children.possible.every((fields) => fields.length === 0);
}

/** The actual cost of `data` along a plan. */
export function planCost(plan: CostPlan, data: Data | null | undefined): number {
  return data ? fieldsCost(plan.root, data) : 0;
}

function objectCost(selections: Selections, obj: Data, tally?: Tally): number {
  if ('fields' in selections) return fieldsCost(selections.fields, obj, tally);
  let most = 0;
  for (const fields of selections.possible) most = Math.max(most, fieldsCost(fields, obj));
  return most;
}

function fieldsCost(fields: FieldPlan[], obj: Data, tally?: Tally): number {
  let total = 0;
  for (const plan of fields) total += fieldCost(plan, obj, tally);
  return total;
}

function itemCost(plan: FieldPlan, item: unknown): number {
  if (item === null || item === undefined) return 0;
  if (!plan.connection || typeof item !== 'object') {
    return plan.weight + (plan.children && typeof item === 'object' ? objectCost(plan.children, item as Data) : 0);
  }
  // A connection: its items count at least 1 each; without edges or nodes, as many as it was asked for.
  const own: Tally = { sizedCost: 0, items: 0, sizedSeen: false, counted: false };
  const children = plan.children ? objectCost(plan.children, item as Data, own) : 0;
  const items = own.sizedSeen ? own.items : plan.items;
  return plan.weight + children + Math.max(0, items - own.sizedCost) + (own.counted ? plan.filters : 0);
}

function fieldCost(plan: FieldPlan, obj: Data, tally?: Tally): number {
  if (!(plan.key in obj)) return 0;
  const value = obj[plan.key];
  let cost: number;
  if (!plan.isList) {
    cost = value === null ? plan.weight : itemCost(plan, value);
  } else if (!Array.isArray(value)) {
    cost = 0;
  } else {
    const items = value.flat(Infinity) as unknown[];
    // A list that declares a size, or is sized by its connection, counts every item; any other list, one item.
    const counted = plan.sizedList || plan.sized;
    if (tally && plan.sized) {
      tally.sizedSeen = true;
      tally.items = Math.max(tally.items, items.length);
    }
    cost = 0;
    for (const item of items) {
      const one = itemCost(plan, item);
      cost = counted ? cost + one : Math.max(cost, one);
    }
  }
  if (tally && plan.sized) tally.sizedCost += cost;
  if (tally && plan.isCount) tally.counted = true;
  return cost + (value === null || value === undefined ? 0 : plan.filters);
}

/** The actual cost of `data`, planning the operation for these variables first (costPlan, then planCost). */
export function actualCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  data: Data | null | undefined,
): number {
  const plan = data ? costPlan(schema, document, operation, variables) : null;
  return plan ? planCost(plan, data) : 0;
}

function fieldDef(schema: GraphQLSchema, parent: GraphQLObjectType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return parent.getFields()[name];
}
