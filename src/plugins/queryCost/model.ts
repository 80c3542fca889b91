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
 * - A list without `@listSize` counts as one item (only introspection has such lists of objects; ours all declare
 *   a size, which test/cost.test.ts checks).
 * - An interface or union counts its most expensive possible type.
 */
import {
  getDirectiveValues,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  type GraphQLDirective,
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

  const typeWeight = (type: GraphQLNamedType): number | undefined => {
    for (const node of [type.astNode, ...(type.extensionASTNodes ?? [])]) {
      const weight = directiveArg(cost, node, 'weight');
      if (typeof weight === 'number') return weight;
    }
    return undefined;
  };

  return {
    field(field) {
      let entry = fields.get(field);
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
