/**
 * Rate-limit buckets on Redis: one bucket per caller whichever instance it lands on. Take and refund are each one
 * Lua script (refill for the time elapsed, then spend or give back, atomically); peek reads without writing.
 *
 * A bucket is a hash `{level, at}` that expires when it would be full again: a full bucket and no bucket are the
 * same, so idle callers cost no memory. Lua numbers are doubles, but Redis turns a script's numbers into integers,
 * so fractional levels come back as strings.
 */
import type { BucketLimits, BucketStore } from './buckets.js';
import { defineScript, type RedisLink } from './redis.js';

/** The level now, in Lua: shared by both scripts. ARGV[2] capacity, ARGV[3] points a second, ARGV[4] now (ms). */
const LEVEL = `
local cap = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local b = redis.call('HMGET', KEYS[1], 'level', 'at')
local level = cap
if b[1] then level = math.min(cap, tonumber(b[1]) + math.max(0, now - tonumber(b[2])) / 1000 * rate) end
local function write(l)
  if l >= cap then
    redis.call('DEL', KEYS[1])
  else
    redis.call('HSET', KEYS[1], 'level', tostring(l), 'at', tostring(now))
    redis.call('PEXPIRE', KEYS[1], math.ceil((cap - l) / rate * 1000) + 1000)
  end
end
`;

/** ARGV[1] points needed, ARGV[5] points kept. Returns {1 | 0, level after}. */
const TAKE = `${LEVEL}
local points = tonumber(ARGV[1])
if points > level then return { 0, tostring(level) } end
local after = math.min(cap, level - math.max(0, tonumber(ARGV[5])))
write(after)
return { 1, tostring(after) }`;

/** ARGV[1] points. Returns the level after. */
const REFUND = `${LEVEL}
local l = math.min(cap, level + math.max(0, tonumber(ARGV[1])))
write(l)
return tostring(l)`;

export function createRedisBucketStore(link: RedisLink): BucketStore {
  const { client } = link;
  const key = (k: string) => `${link.prefix}bucket:${k}`;
  const take = defineScript<[number, string]>(client, 'bazaarBucketTake', TAKE);
  const refund = defineScript<string>(client, 'bazaarBucketRefund', REFUND);
  const args = (points: number, limits: BucketLimits, now: number) => [points, limits.capacity, limits.restorePerSecond, now];

  return {
    async take(k, points, limits, now, keep = points) {
      const [ok, level] = await take([key(k)], [...args(points, limits, now), keep]);
      const available = Number(level);
      if (ok === 1) return { ok: true, available, retryAfterMs: 0 };
      return { ok: false, available, retryAfterMs: Math.ceil(((points - available) / limits.restorePerSecond) * 1000) };
    },
    async refund(k, points, limits, now) {
      return Number(await refund([key(k)], args(points, limits, now)));
    },
    async peek(k, limits, now) {
      const [level, at] = await client.hmget(key(k), 'level', 'at');
      if (level === null || at === null) return limits.capacity;
      return Math.min(limits.capacity, Number(level) + (Math.max(0, now - Number(at)) / 1000) * limits.restorePerSecond);
    },
  };
}
