/**
 * What the cache needs to know about a query before running it, computed once per distinct query text (memoized in
 * an LRU bounded by bytes: long texts are keyed by their sha256, so the memo never holds a client's text whole): its
 * normalized hash (printed, so whitespace and comments don't matter), whether it is a cacheable read, and its scope.
 * Scope is PRIVATE when any field it selects, or any type it reaches, is hinted `@cacheControl(scope: PRIVATE)` in
 * the SDL; the dynamic policy Apollo computes while executing is checked again before a response is stored.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import {
  getNamedType,
  isAbstractType,
  Kind,
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

export type Scope = 'PUBLIC' | 'PRIVATE';

export interface DocumentInfo {
  /** sha256 of the printed document. */
  hash: string;
  /** Only queries are cached; mutations and subscriptions bypass. */
  isQuery: boolean;
  scope: Scope;
}

/** Operation name and text up to this many characters key the memo as they are; longer ones by their sha256. */
const TEXT_KEY_MAX = 2048;

/**
 * @param maxBytes bound on the memo: its keys (at most TEXT_KEY_MAX characters, UTF-16) and results.
 * @default 4 MiB
 */
export function createDocumentAnalyzer(schema: GraphQLSchema, maxBytes = 4 * 1024 * 1024) {
  const memo = new LRUCache<string, { info: DocumentInfo | null }>({
    maxSize: maxBytes,
    sizeCalculation: (_value, key) => key.length * 2 + 200,
  });
  return (query: string, operationName: string | undefined): DocumentInfo | null => {
    const whole = `${operationName ?? ''}\n${query}`;
    const memoKey = whole.length <= TEXT_KEY_MAX ? whole : `#${createHash('sha256').update(whole).digest('base64url')}`;
    let entry = memo.get(memoKey);
    if (entry === undefined) {
      entry = { info: analyze(schema, query, operationName) };
      memo.set(memoKey, entry);
    }
    return entry.info;
  };
}

/** Null when the document does not parse or names no single operation: Apollo answers those. */
function analyze(schema: GraphQLSchema, query: string, operationName: string | undefined): DocumentInfo | null {
  let document;
  try {
    document = parse(query, { maxTokens: 10_000 });
  } catch {
    return null;
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return null;
  const hash = createHash('sha256').update(print(document)).digest('base64url');
  if (operation.operation !== 'query') return { hash, isQuery: false, scope: 'PRIVATE' };

  let scope: Scope = 'PUBLIC';
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const field = typeInfo.getFieldDef();
        const type = field && getNamedType(field.type);
        // An interface or union is as private as the most private type it may turn out to be (node(id: "ord_…")).
        const possible = type && isAbstractType(type) ? schema.getPossibleTypes(type) : [];
        if (
          isPrivate(field?.astNode) ||
          isPrivate(type?.astNode) ||
          isPrivate(typeInfo.getParentType()?.astNode) ||
          possible.some((t) => isPrivate(t.astNode))
        ) {
          scope = 'PRIVATE';
        }
      },
      InlineFragment() {
        if (isPrivate(typeInfo.getType() ? getNamedType(typeInfo.getType()!)?.astNode : undefined)) scope = 'PRIVATE';
      },
    }),
  );
  return { hash, isQuery: true, scope };
}

export function isPrivate(node: ASTNode | null | undefined): boolean {
  if (!node || !('directives' in node) || !node.directives) return false;
  return node.directives.some(
    (d) =>
      d.name.value === 'cacheControl' &&
      d.arguments?.some((a) => a.name.value === 'scope' && a.value.kind === Kind.ENUM && a.value.value === 'PRIVATE'),
  );
}
