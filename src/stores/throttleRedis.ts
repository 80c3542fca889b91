/**
 * Failed-attempt counts on Redis, so a sign-in throttle or lock holds on every instance. A key is a hash
 * `{failures, last, blocked}` that expires once its window has passed and its lock is over; a failure is one Lua
 * script (read, count, compute the wait, write), so concurrent failures on different instances all count.
 */
import { MAX_WAIT_MS, type AttemptThrottle } from './throttle.js';
import { defineScript, type RedisLink } from './redis.js';

/** ARGV: slowAfter, lockAfter, lockMs, windowMs, now, maxWaitMs. Same rules as `blockedUntil` in throttle.ts. */
const RECORD_FAILURE = `
local slowAfter, lockAfter, lockMs, windowMs, now, maxWait =
  tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local a = redis.call('HMGET', KEYS[1], 'failures', 'last', 'blocked')
local failures, blocked = 0, 0
if a[1] and not (now - tonumber(a[2]) > windowMs and now >= tonumber(a[3])) then
  failures, blocked = tonumber(a[1]), tonumber(a[3])
end
failures = failures + 1
if failures >= lockAfter then
  blocked = now + lockMs
elseif failures >= slowAfter then
  blocked = now + math.min(1000 * 2 ^ (failures - slowAfter), maxWait)
end
redis.call('HSET', KEYS[1], 'failures', failures, 'last', now, 'blocked', blocked)
redis.call('PEXPIRE', KEYS[1], math.max(windowMs, blocked - now) + 1000)
return failures`;

export function createRedisThrottle(link: RedisLink, namespace = 'throttle'): AttemptThrottle {
  const { client } = link;
  const key = (k: string) => `${link.prefix}${namespace}:${k}`;
  const record = defineScript<number>(client, 'bazaarThrottleFailure', RECORD_FAILURE);
  return {
    async waitMs(k, policy, now) {
      const [failures, last, blocked] = await client.hmget(key(k), 'failures', 'last', 'blocked');
      if (failures === null) return 0;
      if (now - Number(last) > policy.windowMs && now >= Number(blocked)) return 0;
      return Math.max(0, Number(blocked) - now);
    },
    async recordFailure(k, policy, now) {
      await record([key(k)], [policy.slowAfter, policy.lockAfter, policy.lockMs, policy.windowMs, now, MAX_WAIT_MS]);
    },
    async clear(k) {
      await client.del(key(k));
    },
  };
}
