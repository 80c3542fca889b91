/**
 * Where cached responses live, with a tag index so a mutation can drop every response holding what it changed.
 * In-process now (an LRU bounded by bytes); a Redis store of the same interface will share entries and
 * invalidations between instances.
 */
export interface CacheEntry {
  /** The response's `data`, serialized once at store time. */
  data: string;
  /** Entity and list tags: `Product:prd_1`, `Product:list`, `Category:cat_3:products`. */
  tags: string[];
  /** The requested and actual query cost of the stored response: every hit is charged the same way again. */
  requestedCost: number;
  actualCost: number;
  storedAt: number;
  expiresAt: number;
  maxAge: number;
  scope: 'PUBLIC' | 'PRIVATE';
}

export interface ResponseCacheStore {
  get(key: string, now: number): CacheEntry | undefined;
  /** A mark taken before a response is computed; `set` refuses it if any of its tags was invalidated since. */
  mark(): number;
  /** Stores unless one of the entry's tags was invalidated after `mark` (the response may be stale). */
  set(key: string, entry: CacheEntry, mark: number): boolean;
  /** Drops every entry holding any of the tags; returns how many. */
  invalidate(tags: Iterable<string>): number;
  stats(): { entries: number; bytes: number; maxBytes: number };
}

/** @param maxBytes bound on the stored bodies and keys (approximate: UTF-16 length × 2). */
export function createMemoryCacheStore(maxBytes: number): ResponseCacheStore {
  const entries = new Map<string, CacheEntry & { bytes: number }>();
  const byTag = new Map<string, Set<string>>();
  /** The sequence number of each tag's last invalidation, so a response computed before it is never stored. */
  const invalidatedAt = new Map<string, number>();
  let sequence = 0;
  let bytes = 0;

  const remove = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= entry.bytes;
    for (const tag of entry.tags) {
      const keys = byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) byTag.delete(tag);
    }
  };

  return {
    get(key, now) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now) {
        remove(key);
        return undefined;
      }
      entries.delete(key); // re-insert: Map order is least recently used first
      entries.set(key, entry);
      return entry;
    },
    mark: () => sequence,
    set(key, entry, mark) {
      if (entry.tags.some((tag) => (invalidatedAt.get(tag) ?? -1) > mark)) return false;
      const size = (key.length + entry.data.length + entry.tags.join().length) * 2 + 200;
      if (size > maxBytes) return false;
      remove(key);
      entries.set(key, { ...entry, bytes: size });
      bytes += size;
      for (const tag of entry.tags) {
        let keys = byTag.get(tag);
        if (!keys) byTag.set(tag, (keys = new Set()));
        keys.add(key);
      }
      while (bytes > maxBytes) remove(entries.keys().next().value!);
      return true;
    },
    invalidate(tags) {
      let dropped = 0;
      sequence++;
      for (const tag of tags) {
        invalidatedAt.set(tag, sequence);
        for (const key of [...(byTag.get(tag) ?? [])]) {
          remove(key);
          dropped++;
        }
      }
      // Marks only matter to requests still in flight: keep the newest, bounded.
      if (invalidatedAt.size > 50_000) {
        for (const [tag, at] of invalidatedAt) if (sequence - at > 10_000) invalidatedAt.delete(tag);
      }
      return dropped;
    },
    stats: () => ({ entries: entries.size, bytes, maxBytes }),
  };
}
