/**
 * The requested cost, memoized per document, operation and the variables it depends on. Walking an operation to
 * cost it is most of what the query guard does per request; the same screen asks the same query over and over.
 *
 * Most variables do not change the cost: only those in a slicing argument (`first`), in an argument or input with
 * `@cost` (a search), or in `@skip`/`@include` do (found once per operation, by walking it with the schema). So
 * the memo key is the document's number, the operation's name and those variables' JSON: `placeOrder` with a fresh
 * idempotency key every time is costed once. Call it only with variables that coerced (a request whose variables do
 * not fit is costed 0, and refused by execution).
 *
 * Bounded by bytes (keys up to `VARIABLES_KEY_MAX` characters of variables; longer ones are costed every time) and
 * filled by `remember`, which the caller calls once the request was admitted (its cost charged), so refused
 * requests leave nothing behind.
 */
import {
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { costPlan, planCost, type CostPlan } from './actual.js';
import { costModel } from './model.js';
import { requestedCost, type RequestedCost } from './requested.js';

/** Variables (the cost-relevant ones, as JSON) up to this long are memoized. @default 2048 */
const VARIABLES_KEY_MAX = 2048;
/** Plans of more fields than this are not kept (a fragment fan-out): built again for each response. */
const PLAN_FIELDS_MAX = 2000;
/** Heap bytes per planned field, roughly. */
const BYTES_PER_FIELD = 160;

/** One operation's cost for one set of variables. */
export interface Costing {
  result: RequestedCost;
  /** The plan its actual cost is counted along (actual.ts), for the variables coerced. */
  plan(coerced: Record<string, unknown>): CostPlan | null;
  /** Keeps the cost and the plan for the next request with the same key: call it once the request was admitted. */
  remember(coerced: Record<string, unknown>): void;
}

export interface RequestedCostMemo {
  cost(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): Costing;
}

interface Entry {
  cost: number;
  plan: CostPlan | null;
}

/**
 * A response's actual cost as the client is charged it: counted along the plan, never above what was requested;
 * the whole request when counting fails. Shared by the fast path and the execution threads.
 */
export function chargedActualCost(costing: Costing, coerced: Record<string, unknown>, data: Record<string, unknown>, requested: number): number {
  try {
    const plan = costing.plan(coerced);
    return Math.min(requested, plan ? planCost(plan, data) : 0);
  } catch {
    return requested;
  }
}

/** @param maxBytes bound on the memo's keys, costs and plans. @default 4 MiB */
export function createRequestedCostMemo(schema: GraphQLSchema, maxSelections: number, maxBytes = 4 * 1024 * 1024): RequestedCostMemo {
  const memo = new LRUCache<string, Entry>({
    maxSize: maxBytes,
    sizeCalculation: (entry, key) => key.length * 2 + 100 + (entry.plan?.fields ?? 0) * BYTES_PER_FIELD,
  });
  /** A number per parsed document (the documents live in Apollo's store; a re-parsed text gets a new number). */
  const documents = new WeakMap<DocumentNode, number>();
  const relevant = new WeakMap<OperationDefinitionNode, readonly string[]>();
  let next = 0;

  return {
    cost(document, operation, variables) {
      let id = documents.get(document);
      if (id === undefined) documents.set(document, (id = ++next));
      let names = relevant.get(operation);
      if (!names) relevant.set(operation, (names = costVariables(schema, document, operation)));
      // [value] for a variable given, [] for one left out (its default applies): not the same cost.
      const values = names.length === 0 ? '' : JSON.stringify(names.map((name) => (variables && name in variables ? [variables[name]] : [])));
      const key = values.length <= VARIABLES_KEY_MAX ? `${id}\n${operation.name?.value ?? ''}\n${values}` : undefined;
      const known = key === undefined ? undefined : memo.get(key);
      if (known) return { result: { ok: true, cost: known.cost }, plan: () => known.plan, remember: () => {} };
      const result = requestedCost(schema, document, operation, variables, maxSelections);
      let plan: CostPlan | null | undefined;
      const planFor = (coerced: Record<string, unknown>) => (plan === undefined ? (plan = costPlan(schema, document, operation, coerced)) : plan);
      return {
        result,
        plan: planFor,
        remember(coerced) {
          if (!result.ok || key === undefined) return;
          const built = planFor(coerced);
          if (built && built.fields <= PLAN_FIELDS_MAX) memo.set(key, { cost: result.cost, plan: built });
        },
      };
    },
  };
}

/**
 * The variables an operation's requested cost depends on: those used in a slicing argument of a list, in any
 * argument of a field whose arguments carry `@cost`, or in a directive (`@skip`/`@include`), fragments included.
 * Conservative: a variable used in such a place anywhere in the document counts.
 */
export function costVariables(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const model = costModel(schema);
  const found = new Set<string>();
  const collect = (value: ValueNode) => {
    visit(value, {
      Variable(node) {
        found.add(node.name.value);
      },
    });
  };
  const typeInfo = new TypeInfo(schema);
  const definitions = document.definitions.filter((d) => d.kind !== Kind.OPERATION_DEFINITION || d === operation);
  visit(
    { ...document, definitions },
    visitWithTypeInfo(typeInfo, {
      Directive(node) {
        for (const arg of node.arguments ?? []) collect(arg.value);
        return false;
      },
      Argument(node) {
        const field = typeInfo.getFieldDef();
        if (!field) {
          collect(node.value); // an argument we cannot place: count it
          return false;
        }
        const { listSize } = model.field(field);
        if (model.hasArgumentCost(field) || listSize?.slicingArguments.includes(node.name.value)) collect(node.value);
        return false;
      },
    }),
  );
  return [...found].sort();
}
