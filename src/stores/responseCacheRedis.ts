/**
 * The response cache on Redis, shared by every instance. Each operation is one Lua script, so it is atomic and one
 * round trip: a hit is one `get`.
 *
 * Keys (all under one hash tag, `{rc}`, so they share a cluster slot):
 * - `e:<key>`: the entry, `<epoch>\n<tags>\n<meta JSON>\n<data>`, expiring with its max-age (PX).
 * - `t:<tag>`: the set of entry keys holding the tag, expiring after the longest of them.
 * - `epoch`, `seq`, `inv` (tag → the `seq` of its last invalidation, a sorted set), `floor`: the guard. No TTL.
 *
 * Correctness never depends on what Redis evicts. An entry is served only if its epoch is current and it is still a
 * member of every one of its tag sets: an invalidation deletes the tag sets with their entries, and a tag set lost
 * to eviction turns its entries into misses. With a `volatile-*` maxmemory policy (entries and tag sets have TTLs,
 * the guard keys have none) Redis evicts cache entries and tag sets, never the guard.
 */
import type { CacheEntry, CacheMark, ResponseCacheStore } from './responseCache.js';
import { GUARD_RECORDS } from './responseCache.js';
import { defineScript, type RedisLink } from './redis.js';

/** A tag set outlives the entries it lists by this much. */
const TAG_GRACE_MS = 60_000;

/** KEYS: entry, epoch. ARGV: tag-set prefix. Returns `<tags>\n<meta>\n<data>` or nil. */
const GET = `
local v = redis.call('GET', KEYS[1])
if not v then return false end
local a = string.find(v, '\\n', 1, true)
local b = string.find(v, '\\n', a + 1, true)
if string.sub(v, 1, a - 1) ~= (redis.call('GET', KEYS[2]) or '0') then
  redis.call('DEL', KEYS[1])
  return false
end
for tag in string.gmatch(string.sub(v, a + 1, b - 1), '[^,]+') do
  if redis.call('SISMEMBER', ARGV[1] .. tag, KEYS[1]) == 0 then
    redis.call('DEL', KEYS[1])
    return false
  end
end
return string.sub(v, a + 1)`;

/** KEYS: epoch, seq. */
const MARK = `return { redis.call('GET', KEYS[1]) or '0', redis.call('GET', KEYS[2]) or '0' }`;

/** KEYS: entry, epoch, inv, floor. ARGV: mark epoch, mark seq, ttl ms, tag-set prefix, value, tags… Returns 1 if stored. */
const SET = `
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
local mark = tonumber(ARGV[2])
if mark < tonumber(redis.call('GET', KEYS[4]) or '0') then return 0 end
for i = 6, #ARGV do
  local at = redis.call('ZSCORE', KEYS[3], ARGV[i])
  if at and tonumber(at) > mark then return 0 end
end
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[1] .. '\\n' .. ARGV[5], 'PX', ttl)
for i = 6, #ARGV do
  local t = ARGV[4] .. ARGV[i]
  redis.call('SADD', t, KEYS[1])
  if redis.call('PTTL', t) < ttl + ${TAG_GRACE_MS} then redis.call('PEXPIRE', t, ttl + ${TAG_GRACE_MS}) end
end
return 1`;

/** KEYS: seq, inv, floor. ARGV: tag-set prefix, records kept, tags… Returns the entries dropped. */
const INVALIDATE = `
local seq = redis.call('INCR', KEYS[1])
local dropped = 0
for i = 3, #ARGV do
  redis.call('ZADD', KEYS[2], seq, ARGV[i])
  local t = ARGV[1] .. ARGV[i]
  local keys = redis.call('SMEMBERS', t)
  for j = 1, #keys, 1000 do dropped = dropped + redis.call('DEL', unpack(keys, j, math.min(j + 999, #keys))) end
  redis.call('DEL', t)
end
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[2])
if over > 0 then
  local popped = redis.call('ZPOPMIN', KEYS[2], over)
  redis.call('SET', KEYS[3], popped[#popped])
end
return dropped`;

const NEWLINE = 0x0a;

/** A mark `set` always refuses: taken while Redis could not be asked. */
const NO_MARK: CacheMark = { epoch: 'none', seq: -1 };

/**
 * @param maxEntryBytes a single response larger than this is not stored (the memory bound itself is Redis'
 * `maxmemory`).
 */
export function createRedisCacheStore(link: RedisLink, maxEntryBytes: number): ResponseCacheStore {
  const { client } = link;
  const p = `${link.prefix}{rc}:`;
  const keys = { epoch: `${p}epoch`, seq: `${p}seq`, inv: `${p}inv`, floor: `${p}floor`, tag: `${p}t:` };
  const entryKey = (key: string) => `${p}e:${key}`;
  const get = defineScript<Buffer | null>(client, 'bazaarCacheGet', GET, { bytes: true });
  const mark = defineScript<[string, string]>(client, 'bazaarCacheMark', MARK);
  const set = defineScript<number>(client, 'bazaarCacheSet', SET);
  const invalidate = defineScript<number>(client, 'bazaarCacheInvalidate', INVALIDATE);

  // After an outage, writes may have happened that could not invalidate: a new epoch makes every entry stored
  // before it a miss, and every response computed before it unstorable.
  link.onRecover(async () => {
    await client.incr(keys.epoch);
  });

  return {
    available: () => link.available(),
    async get(key, now) {
      let value: Buffer | null;
      try {
        value = await get([entryKey(key), keys.epoch], [keys.tag]);
      } catch {
        return undefined;
      }
      if (value === null) return undefined;
      const a = value.indexOf(NEWLINE);
      const b = value.indexOf(NEWLINE, a + 1);
      const meta = JSON.parse(value.toString('utf8', a + 1, b)) as Omit<CacheEntry, 'data' | 'tags'>;
      if (meta.expiresAt <= now) return undefined;
      return { ...meta, tags: a === 0 ? [] : value.toString('utf8', 0, a).split(','), data: value.subarray(b + 1) };
    },
    async mark() {
      try {
        const [epoch, seq] = await mark([keys.epoch, keys.seq], []);
        return { epoch, seq: Number(seq) };
      } catch {
        return NO_MARK;
      }
    },
    async set(key, entry, at) {
      if (at === NO_MARK || !link.available()) return false;
      const ttl = Math.floor(entry.expiresAt - entry.storedAt);
      if (ttl <= 0 || entry.data.length > maxEntryBytes) return false;
      const { data, tags, ...meta } = entry;
      const value = Buffer.concat([Buffer.from(`${tags.join(',')}\n${JSON.stringify(meta)}\n`), data]);
      try {
        return (await set([entryKey(key), keys.epoch, keys.inv, keys.floor], [at.epoch, at.seq, ttl, keys.tag, value, ...tags])) === 1;
      } catch {
        return false;
      }
    },
    async invalidate(tags) {
      const list = [...tags];
      if (list.length === 0) return 0;
      try {
        return await invalidate([keys.seq, keys.inv, keys.floor], [keys.tag, GUARD_RECORDS, ...list]);
      } catch {
        // The write committed but its cached responses may live on: the whole cache is dropped on recovery, and
        // reads go around it until then.
        link.markLost();
        return 0;
      }
    },
    async stats() {
      const [entries, memory] = await Promise.all([client.dbsize(), client.info('memory')]);
      const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(memory)?.[1] ?? 0);
      return { entries, bytes: field('used_memory'), maxBytes: field('maxmemory') };
    },
  };
}
