/**
 * Apollo Server's parsed-document cache (its `documentStore` option), bounded by what the documents really hold.
 * Apollo keys it by the query's sha256, but its default store sizes an entry by the AST's JSON, which leaves out
 * the source text and the token list every parsed document keeps (`loc`): unique long texts then filled memory far
 * past the store's nominal bound. Here an entry weighs its source text (UTF-16) plus its tokens, at the heap size
 * measured for graphql-js 16's AST (about 300 bytes a token, node objects included).
 *
 * Apollo writes a document here once it has parsed and validated, which the /graphql route admits only after
 * charging the document's price by size (src/plugins/queryCost/documentPrice.ts).
 */
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { DocumentNode } from 'graphql';

/** Heap bytes per token of a parsed document, measured (node:v8 heap, graphql 16). */
const BYTES_PER_TOKEN = 300;

/** @param maxBytes @default 32 MiB */
export function createDocumentStore(maxBytes = 32 * 1024 * 1024): InMemoryLRUCache<DocumentNode> {
  return new InMemoryLRUCache<DocumentNode>({ maxSize: maxBytes, sizeCalculation: documentBytes });
}

/** What a parsed document holds on the heap, estimated: its source text and its tokens. */
export function documentBytes(document: DocumentNode): number {
  const loc = document.loc;
  if (!loc) return 1024;
  let tokens = 0;
  for (let token: { next: unknown } | null = loc.startToken; token; token = token.next as typeof token) tokens++;
  return loc.source.body.length * 2 + tokens * BYTES_PER_TOKEN;
}
