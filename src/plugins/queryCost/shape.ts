/**
 * The shape of an operation, for the limits that cost alone does not catch: how deep its fields nest, how many
 * aliases it uses, and the most directives on any one selection. Fragments are expanded where they are spread
 * (an alias in a fragment spread three times counts three times), each measured once and remembered, so a
 * fragment fan-out costs nothing to measure.
 *
 * Introspection (`__schema`, `__type`) counts as one level whatever is selected inside it: graphql-js already
 * refuses deeply nested introspection (MaxIntrospectionDepthRule, a validation rule), and its cost still counts.
 */
import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

export interface Shape {
  /** Levels of field nesting: `{ a { b } }` is 2. */
  depth: number;
  /** Aliased fields, fragments expanded. */
  aliases: number;
  /** The most directives on one field, fragment spread or inline fragment. */
  directives: number;
}

const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

export function measureShape(document: DocumentNode, operation: OperationDefinitionNode): Shape {
  const fragments = new Map<string, SelectionSetNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def.selectionSet);
  }
  const measured = new Map<string, Shape>();
  const inProgress = new Set<string>(); // validation forbids fragment cycles; this only keeps us safe from them

  const fragment = (name: string): Shape => {
    const known = measured.get(name);
    if (known) return known;
    const selectionSet = fragments.get(name);
    if (!selectionSet || inProgress.has(name)) return { depth: 0, aliases: 0, directives: 0 };
    inProgress.add(name);
    const shape = selections(selectionSet);
    inProgress.delete(name);
    measured.set(name, shape);
    return shape;
  };

  const selections = (set: SelectionSetNode): Shape => {
    const shape: Shape = { depth: 0, aliases: 0, directives: 0 };
    for (const node of set.selections) {
      shape.directives = Math.max(shape.directives, node.directives?.length ?? 0);
      let inner: Shape;
      let levels = 0;
      if (node.kind === Kind.FIELD) {
        levels = 1;
        if (node.alias) shape.aliases++;
        inner = node.selectionSet ? selections(node.selectionSet) : { depth: 0, aliases: 0, directives: 0 };
        if (INTROSPECTION_ROOTS.has(node.name.value)) inner = { ...inner, depth: 0 };
      } else if (node.kind === Kind.INLINE_FRAGMENT) {
        inner = selections(node.selectionSet);
      } else {
        inner = fragment(node.name.value);
      }
      shape.depth = Math.max(shape.depth, levels + inner.depth);
      shape.aliases += inner.aliases;
      shape.directives = Math.max(shape.directives, inner.directives);
    }
    return shape;
  };

  return selections(operation.selectionSet);
}

/** How many root fields of the operation are among `names`, aliases and fragments spread at the root included. */
export function rootFieldCount(document: DocumentNode, operation: OperationDefinitionNode, names: ReadonlySet<string>): number {
  const fragments = new Map<string, SelectionSetNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def.selectionSet);
  }
  const visiting = new Set<string>();
  const count = (set: SelectionSetNode): number => {
    let n = 0;
    for (const node of set.selections) {
      if (node.kind === Kind.FIELD) n += names.has(node.name.value) ? 1 : 0;
      else if (node.kind === Kind.INLINE_FRAGMENT) n += count(node.selectionSet);
      else if (!visiting.has(node.name.value) && fragments.has(node.name.value)) {
        visiting.add(node.name.value);
        n += count(fragments.get(node.name.value)!);
        visiting.delete(node.name.value);
      }
    }
    return n;
  };
  return count(operation.selectionSet);
}
