/**
 * Rate limiting in cost points: one leaky bucket per caller, shared by every way in. A GraphQL operation spends
 * its requested cost before it runs and is refunded what it did not use (the queryCost plugin); a subscription
 * start and a REST shim call spend with one `spend(ctx, points)` call on the same object (`deps.rateLimiter`).
 *
 * The caller is the signed-in user (`user:<id>`, a bucket of `RATE_LIMIT_MAX`), else the client IP (`ip:<ip>`,
 * `RATE_LIMIT_ANON_MAX`); both refill at `RATE_LIMIT_RESTORE` points a second. The IP is fastify's `req.ip`, which
 * honours X-Forwarded-For only when `TRUST_PROXY` is on.
 */
import type { Config } from '../../config/index.js';
import { RateLimitedError } from '../../errors.js';
import type { BucketLimits, BucketStore } from '../../stores/buckets.js';

/** Who is spending: the part of the request context the limiter reads. */
export interface Caller {
  viewer: { id: number } | null;
  request: { ip: string };
}

/** The bucket as the contract reports it in `extensions.cost.throttleStatus`. */
export interface ThrottleStatus {
  maximumAvailable: number;
  /** Whole points available now (the bucket itself keeps fractions while it refills). */
  currentlyAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
}

export interface RateLimiter {
  /**
   * Takes `points` from the caller's bucket, or takes nothing and throws `RateLimitedError` (HTTP 429, with
   * `retryAfterMs` and `Retry-After`) when it holds fewer.
   */
  spend(caller: Caller, points: number): Promise<ThrottleStatus>;
  /**
   * Needs `points` in the bucket but keeps only `cost` of them: `spend` and `refund(points - cost)` in one store
   * call (a cache hit, whose final cost is known before it is served). Refused like `spend`.
   */
  spendKnown(caller: Caller, points: number, cost: number): Promise<ThrottleStatus>;
  /** Gives back points spent up front but not used, never above the bucket's size. */
  refund(caller: Caller, points: number): Promise<ThrottleStatus>;
  /** The caller's bucket now. */
  status(caller: Caller): Promise<ThrottleStatus>;
}

interface Bucket {
  key: string;
  limits: BucketLimits;
}

export function createRateLimiter(config: Config, store: BucketStore, clock: () => number): RateLimiter {
  const restorePerSecond = config.rateLimitRestore;
  const bucketOf = ({ viewer, request }: Caller): Bucket =>
    viewer
      ? { key: `user:${viewer.id}`, limits: { capacity: config.rateLimitMax, restorePerSecond } }
      : { key: `ip:${request.ip}`, limits: { capacity: config.rateLimitAnonMax, restorePerSecond } };
  const status = ({ limits }: Bucket, available: number): ThrottleStatus => ({
    maximumAvailable: limits.capacity,
    currentlyAvailable: Math.floor(available),
    restoreRate: limits.restorePerSecond,
  });

  return {
    spend: (caller, points) => take(caller, points, points),
    spendKnown: (caller, points, cost) => take(caller, points, cost),
    async refund(caller, points) {
      const bucket = bucketOf(caller);
      return status(bucket, await store.refund(bucket.key, points, bucket.limits, clock()));
    },
    async status(caller) {
      const bucket = bucketOf(caller);
      return status(bucket, await store.peek(bucket.key, bucket.limits, clock()));
    },
  };

  async function take(caller: Caller, points: number, keep: number): Promise<ThrottleStatus> {
    const bucket = bucketOf(caller);
    const taken = await store.take(bucket.key, points, bucket.limits, clock(), keep);
    if (!taken.ok) {
      throw new RateLimitedError(
        `Rate limited: this request costs ${points} points and your bucket holds ${Math.floor(taken.available)} ` +
          `(it refills at ${restorePerSecond} a second). Retry in ${taken.retryAfterMs} ms.`,
        taken.retryAfterMs,
      );
    }
    return status(bucket, taken.available);
  }
}
