/**
 * Automatic persisted queries: Apollo's `KeyValueCache` (the interface Apollo Server reads and writes), so a hash
 * registered on one instance is known to all. In-process it is Apollo's own `InMemoryLRUCache`; on Redis, a string
 * per hash with the TTL Apollo asks for (a day when it asks for none). Apollo already treats the cache as best effort (a miss makes the client
 * send the text again), which is what a failing Redis becomes (see `failover.ts`).
 */
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { RedisLink } from './redis.js';

/** @param maxBytes bound on the stored documents. @default 16 MiB */
export function createMemoryApqStore(maxBytes = 16 * 1024 * 1024): KeyValueCache<string> {
  return new InMemoryLRUCache<string>({ maxSize: maxBytes });
}

/** Apollo sets no TTL unless configured; on Redis a document then lives this long unused, and stays evictable. */
const DEFAULT_TTL_SECONDS = 24 * 3600;

export function createRedisApqStore(link: RedisLink): KeyValueCache<string> {
  const { client } = link;
  const key = (k: string) => `${link.prefix}kv:${k}`;
  return {
    async get(k) {
      return (await client.get(key(k))) ?? undefined;
    },
    async set(k, value, options) {
      await client.set(key(k), value, 'EX', Math.ceil(options?.ttl || DEFAULT_TTL_SECONDS));
    },
    async delete(k) {
      return (await client.del(key(k))) > 0;
    },
  };
}
