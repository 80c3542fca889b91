/**
 * Cache tags. An entity's tag is its ID (`prd_1`); a list's tag names its owner and the list
 * (`Product:list`, `Category:cat_3:products`, `Product:prd_1:reviews`). A response is tagged with every entity and
 * list it holds; a mutation invalidates the tags of what it changed. The same tags go out in `Cache-Tag` headers.
 */
import { encodeId, type NodeType } from '../ids.js';
import type { ResponseCacheStore } from '../stores/responseCache.js';

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
  /**
   * Makes every cached response holding any of the tags stale. Call it after the write committed; the response is
   * not sent before it completes (`settled`), so no instance serves a stale read once a mutation has answered.
   */
  invalidate(...tags: string[]): Promise<void>;
  /** Resolves when every invalidation this request started is done (the response-cache plugin awaits it). */
  settled(): Promise<void>;
}

export function createRequestCache(store: ResponseCacheStore | null): RequestCache {
  const tags = new Set<string>();
  const pending: Promise<unknown>[] = [];
  return {
    tags,
    sawPrivate: false,
    tag: (...more) => {
      for (const t of more) tags.add(t);
    },
    invalidate: async (...changed) => {
      if (!store) return;
      const done = store.invalidate(changed); // never rejects: a failure makes the store drop everything on recovery
      pending.push(done);
      await done;
    },
    settled: async () => {
      while (pending.length > 0) await pending.shift();
    },
  };
}
