/**
 * What a store does while Redis is lost: the shared store while it answers, the instance's own in-process store
 * when it does not. Rate-limit buckets and attempt counts then hold per instance, and persisted queries are
 * remembered locally (a miss only makes the client send the text again). When Redis is back they are shared again,
 * with whatever Redis kept.
 *
 * The response cache and order notifications do not fail over: a cache read goes around the cache instead
 * (`available()`), and new subscriptions are refused.
 */
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { BucketStore } from './buckets.js';
import type { RedisLink } from './redis.js';
import type { AttemptThrottle } from './throttle.js';

/** `shared` while the link is available and the call succeeds, else the same call on `local`. */
function failover<T extends object>(link: RedisLink, shared: T, local: T, names: (keyof T)[]): T {
  const wrapped = {} as T;
  for (const name of names) {
    const fallback = local[name] as (...args: unknown[]) => Promise<unknown>;
    const primary = shared[name] as (...args: unknown[]) => Promise<unknown>;
    (wrapped[name] as unknown) = async (...args: unknown[]) => {
      if (!link.available()) return fallback.apply(local, args);
      try {
        return await primary.apply(shared, args);
      } catch {
        return fallback.apply(local, args);
      }
    };
  }
  return wrapped;
}

export const failoverBuckets = (link: RedisLink, shared: BucketStore, local: BucketStore): BucketStore =>
  failover(link, shared, local, ['take', 'refund', 'peek']);

export const failoverThrottle = (link: RedisLink, shared: AttemptThrottle, local: AttemptThrottle): AttemptThrottle =>
  failover(link, shared, local, ['waitMs', 'recordFailure', 'clear']);

export const failoverKeyValue = (link: RedisLink, shared: KeyValueCache<string>, local: KeyValueCache<string>) =>
  failover<KeyValueCache<string>>(link, shared, local, ['get', 'set', 'delete']);
