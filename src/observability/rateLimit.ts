/** Counts RATE_LIMITED refusals where every way in spends: the rate limiter itself (GraphQL, cache hits, REST, WebSocket). */
import { RateLimitedError } from '../errors.js';
import type { RateLimiter, ThrottleStatus } from '../plugins/rateLimit/index.js';
import type { Metrics } from './metrics.js';

export function countRateLimited(limiter: RateLimiter, metrics: Metrics): RateLimiter {
  return {
    ...limiter,
    spend: (caller, points) => counted(limiter.spend(caller, points)),
    spendKnown: (caller, points, cost) => counted(limiter.spendKnown(caller, points, cost)),
  };

  async function counted(spent: Promise<ThrottleStatus>): Promise<ThrottleStatus> {
    try {
      return await spent;
    } catch (err) {
      if (err instanceof RateLimitedError) metrics.rateLimited.inc();
      throw err;
    }
  }
}
