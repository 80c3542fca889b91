/**
 * Every store that holds shared state, chosen once at start: in-process when `REDIS_URL` is unset, else on Redis
 * (with the in-process store as each one's per-instance fallback, see `failover.ts`). Tests inject their own.
 *
 * | store | in-process | Redis |
 * | --- | --- | --- |
 * | response cache | `responseCache.ts` | `responseCacheRedis.ts` |
 * | rate-limit buckets | `buckets.ts` | `bucketsRedis.ts` |
 * | failed sign-in / sign-up attempts | `throttle.ts` | `throttleRedis.ts` |
 * | persisted queries (APQ) | `apq.ts` | `apq.ts` |
 * | order-event notifications | `events.ts` | `eventsRedis.ts` (pub/sub) |
 */
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { Config } from '../config/index.js';
import { createMemoryApqStore, createRedisApqStore } from './apq.js';
import { createMemoryBucketStore, type BucketStore } from './buckets.js';
import { createRedisBucketStore } from './bucketsRedis.js';
import { createMemoryEventNotifier, type EventNotifier } from './events.js';
import { createRedisEventNotifier } from './eventsRedis.js';
import { failoverBuckets, failoverKeyValue, failoverThrottle } from './failover.js';
import { createRedisLink, type RedisLink } from './redis.js';
import { createMemoryCacheStore, type ResponseCacheStore } from './responseCache.js';
import { createRedisCacheStore } from './responseCacheRedis.js';
import { createMemoryThrottle, type AttemptThrottle } from './throttle.js';
import { createRedisThrottle } from './throttleRedis.js';

export interface Stores {
  /** Null when `RESPONSE_CACHE=off`. */
  responseCache: ResponseCacheStore | null;
  buckets: BucketStore;
  /** Failed attempts: sign-ins per account and per client, sign-ups per client (keys carry their own prefix). */
  attempts: AttemptThrottle;
  apq: KeyValueCache<string>;
  /** How instances tell each other that order events committed (the change feed reads them from the database). */
  events: EventNotifier;
  /** The Redis connection, when `REDIS_URL` is set: `/ready` reports it, subscriptions watch it. */
  redis: RedisLink | null;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Where the Redis link reports losses and recoveries. */
  log?: (message: string) => void;
}

export function createStores(config: Config, options: StoreOptions = {}): Stores {
  if (!config.redisUrl) {
    return {
      responseCache: config.responseCache ? createMemoryCacheStore(config.cacheMaxBytes) : null,
      buckets: createMemoryBucketStore(),
      attempts: createMemoryThrottle(),
      apq: createMemoryApqStore(),
      events: createMemoryEventNotifier(),
      redis: null,
      close: async () => {},
    };
  }
  const redis = createRedisLink(config.redisUrl, { prefix: config.redisPrefix, log: options.log });
  return {
    responseCache: config.responseCache ? createRedisCacheStore(redis, config.cacheMaxBytes) : null,
    buckets: failoverBuckets(redis, createRedisBucketStore(redis), createMemoryBucketStore()),
    attempts: failoverThrottle(redis, createRedisThrottle(redis), createMemoryThrottle()),
    apq: failoverKeyValue(redis, createRedisApqStore(redis), createMemoryApqStore()),
    events: createRedisEventNotifier(redis),
    redis,
    close: () => redis.close(),
  };
}
