/**
 * Each store's contract, run on both implementations: in-process, and on the test run's real Redis (each test
 * with its own key prefix). "Two instances" are two stores over two connections, as two servers would have.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createMemoryApqStore, createRedisApqStore } from '../src/stores/apq.js';
import { createMemoryBucketStore, type BucketStore } from '../src/stores/buckets.js';
import { createRedisBucketStore } from '../src/stores/bucketsRedis.js';
import { createRedisEventNotifier } from '../src/stores/eventsRedis.js';
import { createRedisLink, type RedisLink } from '../src/stores/redis.js';
import { createMemoryCacheStore, type CacheEntry, type ResponseCacheStore } from '../src/stores/responseCache.js';
import { createRedisCacheStore } from '../src/stores/responseCacheRedis.js';
import { createMemoryThrottle, type AttemptThrottle, type ThrottlePolicy } from '../src/stores/throttle.js';
import { createRedisThrottle } from '../src/stores/throttleRedis.js';

const links: RedisLink[] = [];
afterAll(async () => {
  for (const link of links) await link.close();
});

/** Two connections under one fresh prefix: two instances sharing one Redis. */
async function redisPair(): Promise<[RedisLink, RedisLink]> {
  const prefix = `test:${randomUUID()}:`;
  const pair = [createRedisLink(inject('redisUrl'), { prefix }), createRedisLink(inject('redisUrl'), { prefix })] as [RedisLink, RedisLink];
  links.push(...pair);
  await Promise.all(pair.map((l) => l.whenAvailable()));
  return pair;
}

/** Each implementation as a factory of two "instances" sharing state (in-process: one store seen twice). */
function implementations<T>(memory: () => T, redis: (link: RedisLink) => T) {
  return [
    ['in-process', async () => { const s = memory(); return [s, s] as [T, T]; }],
    ['redis', async () => { const [a, b] = await redisPair(); return [redis(a), redis(b)] as [T, T]; }],
  ] as const;
}

const entry = (tags: string[], now = 1000, maxAge = 60): CacheEntry => ({
  data: Buffer.from(JSON.stringify({ product: { id: tags[0] ?? null, title: 'Kettle ✓' } })),
  tags,
  requestedCost: 7,
  actualCost: 5,
  storedAt: now,
  expiresAt: now + maxAge * 1000,
  maxAge,
  scope: 'PUBLIC',
});

describe.each(implementations<ResponseCacheStore>(() => createMemoryCacheStore(1 << 20), (l) => createRedisCacheStore(l, 1 << 20)))(
  'response cache store (%s)',
  (_name, make) => {
    it('stores and returns an entry unchanged, until it expires', async () => {
      const [a, b] = await make();
      const e = entry(['prd_1', 'Product:list']);
      expect(await a.set('k1', e, await a.mark())).toBe(true);
      expect(await b.get('k1', 2000)).toEqual(e);
      expect(await b.get('k1', e.expiresAt)).toBeUndefined();
      expect(await a.get('missing', 2000)).toBeUndefined();
      const untagged = entry([]);
      expect(await a.set('k0', untagged, await a.mark())).toBe(true);
      expect(await b.get('k0', 2000)).toEqual(untagged);
    });

    it('invalidating a tag drops every entry holding it, on every instance, and only those', async () => {
      const [a, b] = await make();
      await a.set('one', entry(['prd_1', 'Product:list']), await a.mark());
      await a.set('two', entry(['prd_2', 'Product:list']), await a.mark());
      await a.set('three', entry(['prd_3']), await a.mark());
      expect(await b.invalidate(['Product:list'])).toBe(2);
      expect(await a.get('one', 2000)).toBeUndefined();
      expect(await a.get('two', 2000)).toBeUndefined();
      expect(await a.get('three', 2000)).toBeDefined();
      expect(await b.invalidate(['nothing-tagged'])).toBe(0);
    });

    it('the guard: a response computed before an invalidation of one of its tags is never stored after it', async () => {
      const [a, b] = await make();
      const mark = await a.mark();
      await b.invalidate(['prd_9']); // another instance's mutation commits while the read runs
      expect(await a.set('stale', entry(['prd_9', 'Product:list']), mark)).toBe(false);
      expect(await a.get('stale', 2000)).toBeUndefined();
      // Other tags were not touched: a response holding only those is stored.
      expect(await a.set('fresh', entry(['prd_8']), mark)).toBe(true);
      // A mark taken after the invalidation is fine.
      expect(await a.set('stale', entry(['prd_9']), await a.mark())).toBe(true);
    });

    it('re-storing a key replaces the entry', async () => {
      const [a, b] = await make();
      await a.set('k', entry(['prd_1']), await a.mark());
      const newer = { ...entry(['prd_2']), data: Buffer.from('{"v":2}') };
      await b.set('k', newer, await b.mark());
      expect(await a.get('k', 2000)).toEqual(newer);
    });
  },
);

describe('response cache on Redis: what in-process has no need of', () => {
  it('an entry whose tag set was evicted is a miss, never a stale hit', async () => {
    const [link] = await redisPair();
    const store = createRedisCacheStore(link, 1 << 20);
    await store.set('k', entry(['prd_1', 'prd_2']), await store.mark());
    await link.client.del(`${link.prefix}{rc}:t:prd_2`); // what maxmemory eviction may do
    expect(await store.get('k', 2000)).toBeUndefined();
    expect(await link.client.exists(`${link.prefix}{rc}:e:k`)).toBe(0);
  });

  it('entries and tag sets expire in Redis (memory is bounded by TTL), the guard keys do not', async () => {
    const [link] = await redisPair();
    const store = createRedisCacheStore(link, 1 << 20);
    await store.set('k', entry(['prd_1'], 1000, 30), await store.mark());
    const entryTtl = await link.client.pttl(`${link.prefix}{rc}:e:k`);
    const tagTtl = await link.client.pttl(`${link.prefix}{rc}:t:prd_1`);
    expect(entryTtl).toBeGreaterThan(29_000);
    expect(entryTtl).toBeLessThanOrEqual(30_000);
    expect(tagTtl).toBeGreaterThan(entryTtl); // the tag outlives its entries
    await store.invalidate(['prd_1']);
    expect(await link.client.pttl(`${link.prefix}{rc}:inv`)).toBe(-1);
  });

  it('after a loss, a new epoch: nothing stored before is served, no mark taken before is accepted', async () => {
    const [a, b] = await redisPair();
    const storeA = createRedisCacheStore(a, 1 << 20);
    const storeB = createRedisCacheStore(b, 1 << 20);
    await storeA.set('k', entry(['prd_1']), await storeA.mark());
    const before = await storeB.mark();
    a.markLost(); // e.g. an invalidation failed: a write's stale responses may still be in Redis
    await a.whenAvailable();
    expect(await storeB.get('k', 2000)).toBeUndefined();
    expect(await storeB.set('late', entry(['prd_5']), before)).toBe(false);
    expect(await storeB.set('late', entry(['prd_5']), await storeB.mark())).toBe(true);
  });

  it('a hit is one round trip', async () => {
    const [link] = await redisPair();
    const store = createRedisCacheStore(link, 1 << 20);
    await store.set('k', entry(['prd_1', 'prd_2', 'Product:list']), await store.mark());
    const sent: string[] = [];
    const client = link.client as unknown as { sendCommand: (command: { name: string }, ...rest: unknown[]) => unknown };
    const original = client.sendCommand;
    client.sendCommand = function (command, ...rest) {
      sent.push(command.name);
      return original.call(this, command, ...rest);
    };
    try {
      expect(await store.get('k', 2000)).toBeDefined();
    } finally {
      client.sendCommand = original;
    }
    expect(sent).toEqual(['evalsha']);
  });
});

describe.each(implementations<BucketStore>(() => createMemoryBucketStore(), createRedisBucketStore))('rate-limit buckets (%s)', (_name, make) => {
  const limits = { capacity: 100, restorePerSecond: 10 };

  it('takes all or nothing, refills with time, refunds up to capacity', async () => {
    const [a, b] = await make();
    expect(await a.take('u', 60, limits, 0)).toEqual({ ok: true, available: 40, retryAfterMs: 0 });
    expect(await b.take('u', 50, limits, 0)).toEqual({ ok: false, available: 40, retryAfterMs: 1000 });
    expect(await b.peek('u', limits, 500)).toBeCloseTo(45);
    expect(await a.take('u', 45, limits, 500)).toMatchObject({ ok: true });
    expect(await b.refund('u', 30, limits, 500)).toBeCloseTo(30);
    expect(await a.refund('u', 1000, limits, 500)).toBe(100);
    expect(await b.peek('other', limits, 0)).toBe(100);
  });

  it('a take that keeps less than it needs: refused like a take of all of it, else only what it keeps is gone', async () => {
    const [a, b] = await make();
    expect(await a.take('k', 90, limits, 0, 10)).toEqual({ ok: true, available: 90, retryAfterMs: 0 });
    expect(await b.take('k', 95, limits, 0, 1)).toEqual({ ok: false, available: 90, retryAfterMs: 500 });
    expect(await b.take('k', 90, limits, 0, 0)).toEqual({ ok: true, available: 90, retryAfterMs: 0 });
    expect(await a.peek('k', limits, 0)).toBe(90);
  });

  it('concurrent spends from two instances never overdraw one bucket', async () => {
    const [a, b] = await make();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).take('race', 7, limits, 0)));
    expect(results.filter((r) => r.ok)).toHaveLength(14); // 100 / 7
    expect(await a.peek('race', limits, 0)).toBeCloseTo(2);
  });
});

const POLICY: ThrottlePolicy = { slowAfter: 10, lockAfter: 30, lockMs: 5 * 60_000, windowMs: 15 * 60_000 };

describe.each(implementations<AttemptThrottle>(() => createMemoryThrottle(), createRedisThrottle))('attempt throttle (%s)', (_name, make) => {
  it('failures counted on any instance slow down, then lock, the key everywhere', async () => {
    const [a, b] = await make();
    let now = 0;
    for (let i = 1; i <= 30; i++) {
      expect(await b.waitMs('client:10.0.0.1', POLICY, now)).toBe(0);
      await (i % 2 ? a : b).recordFailure('client:10.0.0.1', POLICY, now);
      if (i === 9) expect(await a.waitMs('client:10.0.0.1', POLICY, now)).toBe(0);
      if (i === 10) expect(await a.waitMs('client:10.0.0.1', POLICY, now)).toBe(1000);
      if (i === 11) expect(await b.waitMs('client:10.0.0.1', POLICY, now)).toBe(2000);
      now += 60_001; // wait out any slow-down before the next attempt
    }
    expect(await a.waitMs('client:10.0.0.1', POLICY, now - 60_001)).toBe(POLICY.lockMs);
    expect(await b.waitMs('client:10.0.0.2', POLICY, now)).toBe(0);
  });

  it('forgets failures after a quiet window; a clear forgets at once', async () => {
    const [a, b] = await make();
    for (let i = 0; i < 9; i++) await a.recordFailure('k', POLICY, 0);
    await b.recordFailure('k', POLICY, POLICY.windowMs + 1);
    expect(await a.waitMs('k', POLICY, POLICY.windowMs + 1)).toBe(0);
    for (let i = 0; i < 12; i++) await a.recordFailure('k2', POLICY, 0);
    expect(await b.waitMs('k2', POLICY, 0)).toBeGreaterThan(0);
    await b.clear('k2');
    expect(await a.waitMs('k2', POLICY, 0)).toBe(0);
  });

  it('concurrent failures on two instances all count', async () => {
    const [a, b] = await make();
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).recordFailure('burst', POLICY, 0)));
    expect(await a.waitMs('burst', POLICY, 0)).toBe(POLICY.lockMs);
  });
});

describe.each(implementations(() => createMemoryApqStore(), createRedisApqStore))('persisted queries (%s)', (_name, make) => {
  it('a document registered on one instance is known to the other', async () => {
    const [a, b] = await make();
    await a.set('apq:abc', '{ products { totalCount } }');
    expect(await b.get('apq:abc')).toBe('{ products { totalCount } }');
    await b.delete('apq:abc');
    expect(await a.get('apq:abc')).toBeUndefined();
  });
});

describe('order-event notifications on Redis', () => {
  it('the instance that notifies hears it at once, before Redis answers; the other hears it through Redis', async () => {
    const [a, b] = await redisPair();
    const [onA, onB] = [createRedisEventNotifier(a), createRedisEventNotifier(b)];
    const heardA: number[] = [];
    const heardB: number[] = [];
    const stops = [await onA.listen((id) => heardA.push(id)), await onB.listen((id) => heardB.push(id))];
    // Until both subscriber connections have joined the channel: B hears A's message, and A hears its echo (one
    // more 0 than it sent, each of which it heard locally).
    let zeros = 0;
    await until(async () => {
      await onA.notify(0);
      zeros++;
      return heardB.includes(0) && heardA.filter((id) => id === 0).length > zeros;
    });
    const sevens = (heard: number[]) => heard.filter((id) => id === 7).length;
    const sent = onA.notify(7);
    expect(sevens(heardA)).toBe(1); // synchronously: no round trip to Redis first
    expect(sevens(heardB)).toBe(0);
    await sent;
    // B through Redis; A its echo too, which names nothing new to its feed (it reads past its cursor only).
    await until(async () => sevens(heardB) === 1 && sevens(heardA) === 2);
    await Promise.all(stops.map((stop) => stop()));
  });
});

async function until(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
