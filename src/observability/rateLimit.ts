/** Counts RATE_LIMITED refusals where every way in spends: the rate limiter itself (GraphQL, cache hits, REST, WebSocket). */
import { RateLimitedError } from '../errors.js';
import type { RateLimiter } from '../plugins/rateLimit/index.js';
import type { Metrics } from './metrics.js';

export function countRateLimited(limiter: RateLimiter, metrics: Metrics): RateLimiter {
  return {
    ...limiter,
    async spend(caller, points) {
      try {
        return await limiter.spend(caller, points);
      } catch (err) {
        if (err instanceof RateLimitedError) metrics.rateLimited.inc();
        throw err;
      }
    },
  };
}
