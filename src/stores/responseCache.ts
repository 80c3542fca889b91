/**
 * Where cached responses live, with a tag index so a mutation can drop every response holding what it changed, and
 * the guard that stops a response computed before an invalidation from being stored after it.
 *
 * Two implementations of one contract (test/stores.test.ts runs it on both): this in-process LRU bounded by bytes,
 * and `responseCacheRedis.ts`, shared by every instance. `createStores` picks one.
 */
export interface CacheEntry {
  /**
   * The response's `data`, serialized once at store time, as UTF-8: a hit writes these bytes as they are, where a
   * string would be measured and encoded again on every hit (two passes over a body that holds `₹`, two-byte in V8).
   */
  data: Buffer;
  /** Entity and list tags: `prd_1`, `Product:list`, `Category:cat_3:products`. No commas. */
  tags: string[];
  /** The requested and actual query cost of the stored response: every hit is charged the same way again. */
  requestedCost: number;
  actualCost: number;
  storedAt: number;
  expiresAt: number;
  maxAge: number;
  scope: 'PUBLIC' | 'PRIVATE';
}

/** Taken before a response is computed; `set` refuses it if one of the entry's tags was invalidated since. */
export interface CacheMark {
  /** Changes when the whole cache is dropped at once (Redis came back after an outage). */
  readonly epoch: string;
  /** Invalidations so far. */
  readonly seq: number;
}

export interface ResponseCacheStore {
  /** False while the store cannot be trusted or reached (Redis lost, or recovering): reads go around the cache. */
  available(): boolean;
  get(key: string, now: number): Promise<CacheEntry | undefined>;
  mark(): Promise<CacheMark>;
  /** Stores unless one of the entry's tags was invalidated after `mark` (the response may be stale). */
  set(key: string, entry: CacheEntry, mark: CacheMark): Promise<boolean>;
  /** Drops every entry holding any of the tags; resolves to how many. Never rejects. */
  invalidate(tags: Iterable<string>): Promise<number>;
  stats(): Promise<{ entries: number; bytes: number; maxBytes: number }>;
}

/** How many recent invalidations the guard remembers; a mark older than all of them is refused. */
export const GUARD_RECORDS = 50_000;

/** @param maxBytes bound on the stored bodies and keys (approximate: the data's bytes, the key and tags at 2 a character). */
export function createMemoryCacheStore(maxBytes: number): ResponseCacheStore {
  const entries = new Map<string, { entry: CacheEntry; bytes: number }>();
  const byTag = new Map<string, Set<string>>();
  /** The sequence number of each tag's last invalidation (Map order: oldest first), so a response computed before it is never stored. */
  const invalidatedAt = new Map<string, number>();
  /** The newest invalidation forgotten: a mark older than it cannot be checked, so it is refused. */
  let floor = 0;
  let sequence = 0;
  let bytes = 0;

  const remove = (key: string) => {
    const stored = entries.get(key);
    if (!stored) return;
    entries.delete(key);
    bytes -= stored.bytes;
    for (const tag of stored.entry.tags) {
      const keys = byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) byTag.delete(tag);
    }
  };

  return {
    available: () => true,
    async get(key, now) {
      const stored = entries.get(key);
      if (!stored) return undefined;
      if (stored.entry.expiresAt <= now) {
        remove(key);
        return undefined;
      }
      entries.delete(key); // re-insert: Map order is least recently used first
      entries.set(key, stored);
      return stored.entry;
    },
    mark: async () => ({ epoch: '0', seq: sequence }),
    async set(key, entry, mark) {
      if (mark.seq < floor || entry.tags.some((tag) => (invalidatedAt.get(tag) ?? -1) > mark.seq)) return false;
      const size = entry.data.length + (key.length + entry.tags.join().length) * 2 + 200;
      if (size > maxBytes) return false;
      remove(key);
      entries.set(key, { entry, bytes: size });
      bytes += size;
      for (const tag of entry.tags) {
        let keys = byTag.get(tag);
        if (!keys) byTag.set(tag, (keys = new Set()));
        keys.add(key);
      }
      while (bytes > maxBytes) remove(entries.keys().next().value!);
      return true;
    },
    async invalidate(tags) {
      let dropped = 0;
      sequence++;
      for (const tag of tags) {
        invalidatedAt.delete(tag); // re-insert: the Map's order is then oldest invalidation first
        invalidatedAt.set(tag, sequence);
        for (const key of [...(byTag.get(tag) ?? [])]) {
          remove(key);
          dropped++;
        }
      }
      // Marks only matter to requests still in flight: keep the newest, bounded.
      for (const [tag, at] of invalidatedAt) {
        if (invalidatedAt.size <= GUARD_RECORDS) break;
        invalidatedAt.delete(tag);
        floor = Math.max(floor, at);
      }
      return dropped;
    },
    stats: async () => ({ entries: entries.size, bytes, maxBytes }),
  };
}
