/**
 * Cache tags. An entity's tag is its ID (`prd_1`); a list's tag names its owner and the list
 * (`Product:list`, `Category:cat_3:products`, `Product:prd_1:reviews`). A response is tagged with every entity and
 * list it holds; a mutation invalidates the tags of what it changed. The same tags go out in `Cache-Tag` headers.
 */
import { encodeId, type NodeType } from '../ids.js';
import type { ResponseCacheStore } from './store.js';

export const entityTag = (type: NodeType, id: number) => encodeId(type, id);
export const listTag = (type: NodeType, id: number, list: string) => `${type}:${encodeId(type, id)}:${list}`;
export const ALL_PRODUCTS = 'Product:list';
export const ALL_CATEGORIES = 'Category:list';

/** The cache as one request sees it: tags for what it reads, invalidation for what it writes. */
export interface RequestCache {
  /** Tags collected while executing, for the response being built. */
  readonly tags: Set<string>;
  /** Set when an object of a PRIVATE type was resolved: the response must never be stored under a shared key. */
  sawPrivate: boolean;
  tag(...tags: string[]): void;
  /** Makes every cached response holding any of the tags stale, at once. */
  invalidate(...tags: string[]): void;
}

export function createRequestCache(store: ResponseCacheStore | null): RequestCache {
  const tags = new Set<string>();
  return {
    tags,
    sawPrivate: false,
    tag: (...more) => {
      for (const t of more) tags.add(t);
    },
    invalidate: (...changed) => {
      store?.invalidate(changed);
    },
  };
}
