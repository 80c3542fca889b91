/**
 * Apollo's cache-control rules applied to a document instead of to each field as it resolves. A field's hint is its
 * return type's `@cacheControl`, replaced by the field's own (a field's `inheritMaxAge` keeps the type's maxAge
 * unset); a field left without a maxAge that returns an object (and does not inherit), or sits at the root, gets
 * maxAge 0. The response's policy is the most restrictive of its fields' hints: the smallest maxAge, PRIVATE if any
 * field is. Fields of introspection (`__typename`, `__schema`, `__type`) are never hinted, as in Apollo.
 */
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isObjectType,
  Kind,
  type ConstDirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export interface Policy {
  maxAge?: number;
  scope?: 'PUBLIC' | 'PRIVATE';
}

interface Hint extends Policy {
  inheritMaxAge?: boolean;
}

/** `restrict` of Apollo's CachePolicy: the smaller maxAge; PRIVATE wins. */
function restrict(policy: Policy, hint: Policy): void {
  if (hint.maxAge !== undefined && (policy.maxAge === undefined || hint.maxAge < policy.maxAge)) policy.maxAge = hint.maxAge;
  if (hint.scope !== undefined && policy.scope !== 'PRIVATE') policy.scope = hint.scope;
}

function hintOf(directives: readonly ConstDirectiveNode[] | undefined): Hint | undefined {
  const directive = directives?.find((d) => d.name.value === 'cacheControl');
  if (!directive?.arguments) return undefined;
  const arg = (name: string) => directive.arguments!.find((a) => a.name.value === name)?.value;
  const scopeArg = arg('scope');
  const scopeName = scopeArg?.kind === Kind.ENUM ? scopeArg.value : undefined;
  const scope = scopeName === 'PUBLIC' || scopeName === 'PRIVATE' ? scopeName : undefined;
  const inherit = arg('inheritMaxAge');
  if (inherit?.kind === Kind.BOOLEAN && inherit.value) return { inheritMaxAge: true, scope };
  const maxAge = arg('maxAge');
  return { maxAge: maxAge?.kind === Kind.INT ? parseInt(maxAge.value, 10) : undefined, scope };
}

function typeHint(type: GraphQLNamedType): Hint {
  for (const node of [type.astNode, ...(type.extensionASTNodes ?? [])]) {
    const hint = hintOf(node?.directives);
    if (hint) return hint;
  }
  return {};
}

/** What one resolved field adds to the policy (Apollo's `willResolveField` and its end callback). */
export function fieldHint(field: GraphQLField<unknown, unknown>, isRoot: boolean): Policy {
  const policy: Policy = {};
  let inheritMaxAge = false;
  const target = getNamedType(field.type);
  if (isCompositeType(target)) {
    const hint = typeHint(target);
    if (hint.maxAge !== undefined) policy.maxAge = hint.maxAge;
    if (hint.scope !== undefined) policy.scope = hint.scope;
    inheritMaxAge = !!hint.inheritMaxAge;
  }
  const own = hintOf(field.astNode?.directives) ?? {};
  if (own.inheritMaxAge && policy.maxAge === undefined) {
    inheritMaxAge = true;
    if (own.scope) policy.scope = own.scope;
  } else {
    if (own.maxAge !== undefined) policy.maxAge = own.maxAge;
    if (own.scope !== undefined) policy.scope = own.scope;
  }
  if (policy.maxAge === undefined && ((isCompositeType(target) && !inheritMaxAge) || isRoot)) restrict(policy, { maxAge: 0 });
  return policy;
}

/**
 * The policy of `operationName` in `document`, when its root fields alone decide it (so it does not depend on what
 * the data turns out to be); null otherwise, or when it uses `@skip`/`@include` (whether a field runs depends on
 * variables), and then Apollo computes it field by field.
 */
export function documentPolicy(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): Policy | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const rootPolicy: Policy = {};
  const all: Policy = {};
  let conditional = false;
  /** Fragments already walked on a given type: a fragment spread twice adds nothing new. */
  const walked = new Set<string>();

  const applies = (condition: string | undefined, type: GraphQLObjectType) => {
    if (condition === undefined || condition === type.name) return true;
    const target = schema.getType(condition);
    return !!target && isAbstractType(target) && schema.isSubType(target, type);
  };

  const walk = (set: SelectionSetNode, type: GraphQLObjectType, isRoot: boolean): void => {
    for (const node of set.selections) {
      if (node.directives?.some((d) => d.name.value === 'skip' || d.name.value === 'include')) conditional = true;
      if (node.kind === Kind.FIELD) {
        const field = node.name.value.startsWith('__') ? undefined : type.getFields()[node.name.value];
        if (!field) continue;
        const hint = fieldHint(field, isRoot);
        restrict(all, hint);
        if (isRoot) restrict(rootPolicy, hint);
        if (node.selectionSet) walkInto(node.selectionSet, getNamedType(field.type));
      } else if (node.kind === Kind.INLINE_FRAGMENT) {
        if (applies(node.typeCondition?.name.value, type)) walk(node.selectionSet, type, isRoot);
      } else {
        const fragment = fragments.get(node.name.value);
        const key = `${node.name.value}@${type.name}@${isRoot}`;
        if (!fragment || walked.has(key) || !applies(fragment.typeCondition.name.value, type)) continue;
        walked.add(key);
        walk(fragment.selectionSet, type, isRoot);
      }
    }
  };
  const walkInto = (set: SelectionSetNode, type: GraphQLNamedType) => {
    if (isObjectType(type)) walk(set, type, false);
    else if (isAbstractType(type)) for (const possible of schema.getPossibleTypes(type)) walk(set, possible, false);
  };

  walk(operation.selectionSet, root, true);
  if (conditional) return null;
  return all.maxAge === rootPolicy.maxAge && all.scope === rootPolicy.scope ? rootPolicy : null;
}
