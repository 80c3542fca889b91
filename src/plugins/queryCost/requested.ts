/**
 * The requested cost of one operation, before it runs: graphql-query-complexity walks the operation (variables
 * applied, fragments and inline fragments expanded, aliases counted, @skip/@include honoured, abstract types
 * costed as their most expensive member) and asks our estimator, which reads the SDL's weights (model.ts), for
 * each field.
 *
 * `sizedFields` needs one thing the library's estimator API lacks: a connection must know what its `edges` and
 * `nodes` children cost, apart from its other children (`pageInfo`, `totalCount`), to multiply only those. So the
 * walk keeps a frame per field being costed (`trackFrames` wraps the visitor's public `nodeComplexity`), and each
 * child records its cost in its parent's frame. The library walks depth first and synchronously, and calls a
 * field's estimator right after costing its selections, so the frame just closed is always that field's.
 */
import {
  GraphQLError,
  Kind,
  TypeInfo,
  ValidationContext,
  getNamedType,
  getVariableValues,
  isCompositeType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { createComplexityRule, type ComplexityEstimator } from 'graphql-query-complexity';
import { costModel, listSizeOf } from './model.js';

/** A connection's count: it runs the connection's filters again. */
export const COUNT_FIELD = 'totalCount';

/** Costs recorded by a field's children, by field name. */
type Frame = Map<string, number>;

interface Frames {
  open: Frame[];
  /** The frame of the field whose selections were costed last. */
  closed: Frame | undefined;
}

type Visitor = ReturnType<ReturnType<typeof createComplexityRule>>;

/** Opens a frame while the library costs a field's selections; the frame just closed is that field's. */
function trackFrames(visitor: Visitor, frames: Frames): void {
  const costSelections = visitor.nodeComplexity;
  visitor.nodeComplexity = function (this: Visitor, ...args: Parameters<Visitor['nodeComplexity']>) {
    if (args[0].kind !== Kind.FIELD) return costSelections.apply(this, args);
    frames.open.push(new Map());
    try {
      return costSelections.apply(this, args);
    } finally {
      frames.closed = frames.open.pop();
    }
  };
}

function sizedEstimator(schema: GraphQLSchema, frames: Frames): ComplexityEstimator {
  const model = costModel(schema);
  return ({ field, args, childComplexity }) => {
    const { weight, listSize, isList } = model.field(field);
    const filters = model.argumentsCost(field, args);
    let cost = weight + childComplexity + filters;
    if (listSize && listSize.sizedFields.length > 0) {
      // A connection. The children named in sizedFields were costed as one item: count each of the `first` items,
      // at least 1 whatever is selected (the rows are read). totalCount applies the filters again.
      const own = isCompositeType(getNamedType(field.type)) ? frames.closed : undefined;
      const sized = listSize.sizedFields.reduce((sum, name) => sum + (own?.get(name) ?? 0), 0);
      cost += listSizeOf(listSize, args) * Math.max(1, sized) - sized;
      if (own?.has(COUNT_FIELD)) cost += filters;
    } else if (listSize && isList) {
      cost *= listSizeOf(listSize, args);
    }
    const parent = frames.open.at(-1);
    parent?.set(field.name, (parent.get(field.name) ?? 0) + cost);
    return cost;
  };
}

export type RequestedCost =
  | { ok: true; cost: number }
  /** More field selections than `maxSelections` once fragments are expanded: too large to cost. */
  | { ok: false; selections: number };

/**
 * The operation's requested cost. Variables that do not fit the operation cost 0: execution refuses them before
 * any resolver runs.
 */
export function requestedCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  maxSelections: number,
): RequestedCost {
  const typeInfo = new TypeInfo(schema);
  const errors: GraphQLError[] = [];
  const context = new ValidationContext(schema, document, typeInfo, (error) => errors.push(error));
  const frames: Frames = { open: [], closed: undefined };
  const visitor = createComplexityRule({
    maximumComplexity: Infinity,
    estimators: [sizedEstimator(schema, frames)],
    variables,
    operationName: operation.name?.value,
    maxQueryNodes: maxSelections,
  })(context);
  trackFrames(visitor, frames);
  try {
    visit(document, visitWithTypeInfo(typeInfo, visitor));
  } catch (error) {
    if (visitor.evaluatedNodes >= maxSelections) return { ok: false, selections: visitor.evaluatedNodes };
    throw error;
  }
  if (errors.length > 0) {
    if (getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}).errors) return { ok: true, cost: 0 };
    throw errors[0];
  }
  return { ok: true, cost: visitor.complexity };
}
