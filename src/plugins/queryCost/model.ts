/**
 * The cost model, read from the SDL's `@cost` and `@listSize` directives (schema/directives.graphql) once per
 * schema. The rules, small enough to compute by hand:
 *
 * - A field costs its `@cost(weight:)`, else the `@cost` of the type it returns, else 1 if that type is an object,
 *   interface or union and 0 if it is a scalar or enum. Introspection types follow the same defaults.
 * - A list field with `@listSize` counts each item: size × (weight + the cost of the item's selections). The size
 *   is the largest slicing argument with a value (defaults apply), else `assumedSize`.
 * - With `sizedFields` the size multiplies those children instead (a connection: `edges` and `nodes`), and the
 *   field itself counts once.
 * - A connection's items each count at least 1, whatever is selected in them (`edges { cursor }` and `pageInfo`
 *   alone still read the rows).
 * - An argument or input field with `@cost` adds its weight when given a value (a full-text `search`); on a
 *   connection it is paid by the page and again by `totalCount`, each a statement that applies it.
 * - Introspection is priced by the size of what it returns: each of its lists counts as many items as the schema
 *   holds on average where it is asked (`__Schema.types`: every type; `__Type.fields`: all fields over all types),
 *   so a full introspection costs about the number of objects in its answer; a type reference (`type`, `ofType`,
 *   `queryType`) weighs 0, built from its parent.
 * - A list without a size counts as one item (ours all declare one, which test/cost.test.ts checks).
 * - An interface or union counts its most expensive possible type.
 */
import {
  __Directive,
  __Field,
  __Schema,
  __Type,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLDirective,
  type GraphQLInputField,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

export interface ListSize {
  assumedSize: number | null;
  slicingArguments: readonly string[];
  sizedFields: readonly string[];
}

export interface FieldCost {
  /** Points per item. */
  weight: number;
  /** The field's `@listSize`, when it has one. */
  listSize: ListSize | null;
  /** The field returns a list. */
  isList: boolean;
}

export interface CostModel {
  field(field: GraphQLField<unknown, unknown>): FieldCost;
  /** What the field's arguments add (`@cost` on arguments and input fields given a value), for these coerced args. */
  argumentsCost(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number;
  /** Whether any argument of the field (or input field under it) carries `@cost`. */
  hasArgumentCost(field: GraphQLField<unknown, unknown>): boolean;
}

/** The size `@listSize` gives a field for these (coerced) arguments. */
export function listSizeOf(listSize: ListSize, args: Record<string, unknown>): number {
  const sliced = listSize.slicingArguments.map((name) => args[name]).filter((v): v is number => typeof v === 'number');
  if (sliced.length > 0) return Math.max(0, ...sliced);
  return listSize.assumedSize ?? 1;
}

const models = new WeakMap<GraphQLSchema, CostModel>();

export function costModel(schema: GraphQLSchema): CostModel {
  let model = models.get(schema);
  if (!model) {
    model = buildModel(schema);
    models.set(schema, model);
  }
  return model;
}

function buildModel(schema: GraphQLSchema): CostModel {
  const cost = schema.getDirective('cost');
  const listSize = schema.getDirective('listSize');
  const fields = new WeakMap<GraphQLField<unknown, unknown>, FieldCost>();
  const introspection = introspectionSizes(schema);
  const argumentWeights = new WeakMap<GraphQLField<unknown, unknown>, boolean>();

  const hasArgumentCost = (field: GraphQLField<unknown, unknown>): boolean => {
    let weighted = argumentWeights.get(field);
    if (weighted === undefined) argumentWeights.set(field, (weighted = hasWeightedArguments(cost, field.args)));
    return weighted;
  };

  /** The `@cost` of the arguments and input fields given a value. */
  const valueCost = (definitions: readonly (GraphQLArgument | GraphQLInputField)[], values: Record<string, unknown>): number => {
    let points = 0;
    for (const def of definitions) {
      const value = values[def.name];
      if (value === undefined || value === null) continue;
      const weight = directiveArg(cost, def.astNode, 'weight');
      if (typeof weight === 'number') points += weight;
      const named = getNamedType(def.type);
      if (isInputObjectType(named)) {
        for (const item of Array.isArray(value) ? value : [value]) {
          if (typeof item === 'object' && item !== null) points += valueCost(Object.values(named.getFields()), item as Record<string, unknown>);
        }
      }
    }
    return points;
  };

  const typeWeight = (type: GraphQLNamedType): number | undefined => {
    for (const node of [type.astNode, ...(type.extensionASTNodes ?? [])]) {
      const weight = directiveArg(cost, node, 'weight');
      if (typeof weight === 'number') return weight;
    }
    return undefined;
  };

  return {
    hasArgumentCost,
    argumentsCost: (field, args) => (hasArgumentCost(field) ? valueCost(field.args, args) : 0),
    field(field) {
      let entry = fields.get(field);
      if (!entry && introspection.has(field)) entry = introspection.get(field)!;
      if (!entry) {
        const named = getNamedType(field.type);
        const own = directiveArg(cost, field.astNode, 'weight');
        const weight = typeof own === 'number' ? own : (typeWeight(named) ?? (isCompositeType(named) ? 1 : 0));
        const sizes = listSize && field.astNode ? getDirectiveValues(listSize, field.astNode) : undefined;
        entry = {
          weight,
          isList: isListType(getNullableType(field.type)),
          listSize: sizes
            ? {
                assumedSize: (sizes.assumedSize as number | undefined) ?? null,
                slicingArguments: (sizes.slicingArguments as string[] | undefined) ?? [],
                sizedFields: (sizes.sizedFields as string[] | undefined) ?? [],
              }
            : null,
        };
        fields.set(field, entry);
      }
      return entry;
    },
  };
}

function directiveArg(
  directive: GraphQLDirective | null | undefined,
  node: Parameters<typeof getDirectiveValues>[1] | null | undefined,
  name: string,
): unknown {
  if (!directive || !node) return undefined;
  return getDirectiveValues(directive, node)?.[name];
}

/** Whether any argument or input field reachable from these arguments carries `@cost` (then values are walked). */
function hasWeightedArguments(cost: GraphQLDirective | null | undefined, args: readonly GraphQLArgument[]): boolean {
  const seen = new Set<string>();
  const walk = (defs: readonly (GraphQLArgument | GraphQLInputField)[]): boolean =>
    defs.some((def) => {
      if (directiveArg(cost, def.astNode, 'weight') !== undefined) return true;
      const named = getNamedType(def.type);
      if (!isInputObjectType(named) || seen.has(named.name)) return false;
      seen.add(named.name);
      return walk(Object.values(named.getFields()));
    });
  return walk(args);
}

/**
 * Introspection's fields, priced by the schema's size: each list as many items as the schema holds on average per
 * parent (so nested lists multiply out to the totals), each object in it 1, type references 0.
 */
function introspectionSizes(schema: GraphQLSchema): Map<GraphQLField<unknown, unknown>, FieldCost> {
  const types = Object.values(schema.getTypeMap());
  const directives = schema.getDirectives();
  let fields = 0;
  let args = 0;
  let inputFields = 0;
  let enumValues = 0;
  let interfaces = 0;
  let possibleTypes = 0;
  for (const type of types) {
    if (isObjectType(type) || isInterfaceType(type)) {
      const own = Object.values(type.getFields());
      fields += own.length;
      for (const f of own) args += f.args.length;
      interfaces += type.getInterfaces().length;
    }
    if (isInterfaceType(type) || isUnionType(type)) possibleTypes += schema.getPossibleTypes(type).length;
    if (isInputObjectType(type)) inputFields += Object.keys(type.getFields()).length;
    if (isEnumType(type)) enumValues += type.getValues().length;
  }
  const directiveArgs = directives.reduce((n, d) => n + d.args.length, 0);
  const average = (total: number, parents: number) => Math.max(1, Math.ceil(total / Math.max(1, parents)));
  const list = (size: number): FieldCost => ({ weight: 1, isList: true, listSize: { assumedSize: size, slicingArguments: [], sizedFields: [] } });
  const reference: FieldCost = { weight: 0, isList: false, listSize: null };

  const sizes = new Map<GraphQLField<unknown, unknown>, FieldCost>();
  const set = (type: { getFields(): Record<string, GraphQLField<unknown, unknown>> }, name: string, cost: FieldCost) =>
    sizes.set(type.getFields()[name]!, cost);
  set(__Schema, 'types', list(types.length));
  set(__Schema, 'directives', list(directives.length));
  for (const root of ['queryType', 'mutationType', 'subscriptionType']) set(__Schema, root, reference);
  set(__Type, 'fields', list(average(fields, types.length)));
  set(__Type, 'inputFields', list(average(inputFields, types.length)));
  set(__Type, 'enumValues', list(average(enumValues, types.length)));
  set(__Type, 'interfaces', list(average(interfaces, types.length)));
  set(__Type, 'possibleTypes', list(average(possibleTypes, types.length)));
  set(__Type, 'ofType', reference);
  set(__Field, 'args', list(average(args, fields)));
  set(__Field, 'type', reference);
  set(__Directive, 'args', list(average(directiveArgs, directives.length)));
  // __InputValue.type is a reference too.
  const inputValue = __Field.getFields().args!.type;
  set(getNamedType(inputValue) as typeof __Field, 'type', reference);
  return sizes;
}
