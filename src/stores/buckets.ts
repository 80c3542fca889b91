/**
 * Leaky buckets of cost points, one per key. A bucket holds up to `capacity` points and refills continuously at
 * `restorePerSecond`; spending takes points out, all or nothing. Time is passed in (`now`, milliseconds), so callers
 * own the clock and tests can move it.
 *
 * The interface is the contract for every engine (test/stores.test.ts runs it on each): the in-process store below,
 * and `bucketsRedis.ts` (one Lua script per call, so refill-and-take stays atomic across instances).
 */

export interface BucketLimits {
  /** The most points the bucket holds; a new or long-idle bucket is full. */
  capacity: number;
  /** Points restored per second. */
  restorePerSecond: number;
}

export interface TakeResult {
  /** True when the points were taken; false when the bucket held too few, and then nothing was taken. */
  ok: boolean;
  /** Points left in the bucket after the call. */
  available: number;
  /** When refused: how long until the bucket holds enough. 0 when taken. */
  retryAfterMs: number;
}

export interface BucketStore {
  /**
   * Refills the bucket for the time elapsed, then, if it holds `points`, takes `keep` of them (all of them by
   * default). `keep < points` is a take and its refund in one call: a cache hit knows its final cost up front.
   */
  take(key: string, points: number, limits: BucketLimits, now: number, keep?: number): Promise<TakeResult>;
  /** Puts back points taken earlier but not used, never above capacity. Resolves to the points now available. */
  refund(key: string, points: number, limits: BucketLimits, now: number): Promise<number>;
  /** The points available now, without changing anything. */
  peek(key: string, limits: BucketLimits, now: number): Promise<number>;
}

interface Bucket {
  level: number;
  /** When `level` was measured. */
  at: number;
}

function levelAt(bucket: Bucket | undefined, limits: BucketLimits, now: number): number {
  if (!bucket) return limits.capacity;
  const restored = (Math.max(0, now - bucket.at) / 1000) * limits.restorePerSecond;
  return Math.min(limits.capacity, bucket.level + restored);
}

/**
 * The in-process store. A full bucket is the same as no bucket, so full ones are dropped; past `maxKeys` live
 * buckets, the least recently written are dropped too (those callers start over with a full bucket).
 */
export function createMemoryBucketStore(maxKeys = 100_000): BucketStore {
  const buckets = new Map<string, Bucket>();

  const write = (key: string, level: number, limits: BucketLimits, now: number) => {
    buckets.delete(key); // re-insert: the Map's order is then least recently written first
    if (level >= limits.capacity) return;
    buckets.set(key, { level, at: now });
    if (buckets.size > maxKeys) {
      for (const oldest of buckets.keys()) {
        buckets.delete(oldest);
        if (buckets.size <= maxKeys) break;
      }
    }
  };

  return {
    async take(key, points, limits, now, keep = points) {
      const level = levelAt(buckets.get(key), limits, now);
      if (points > level) {
        const retryAfterMs = Math.ceil(((points - level) / limits.restorePerSecond) * 1000);
        return { ok: false, available: level, retryAfterMs };
      }
      const after = Math.min(limits.capacity, level - Math.max(0, keep));
      write(key, after, limits, now);
      return { ok: true, available: after, retryAfterMs: 0 };
    },
    async refund(key, points, limits, now) {
      const level = Math.min(limits.capacity, levelAt(buckets.get(key), limits, now) + Math.max(0, points));
      write(key, level, limits, now);
      return level;
    },
    async peek(key, limits, now) {
      return levelAt(buckets.get(key), limits, now);
    },
  };
}
