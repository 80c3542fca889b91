/**
 * Rate limiting in cost points: a leaky bucket per caller (user, else client IP), charged the requested cost up
 * front and refunded what the lists did not return. Time is the test's: the server's clock is a variable here.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/index.js';
import { createMemoryBucketStore } from '../src/stores/buckets.js';
import { signInAll } from './helpers/accounts.js';
import { codesOf, dataOf, startServer, type GraphQLResponse, type TestServer } from './helpers/server.js';

/** The contract's defaults (the test helper makes buckets huge otherwise). */
const CONTRACT_BUCKETS = { RATE_LIMIT_ANON_MAX: '1000', RATE_LIMIT_MAX: '2000' };
const PAGE = '{ products(first: 100) { nodes { id } } }'; // 1 + 100 × 1 = 101 points, a full page: no refund
const costOf = (res: GraphQLResponse) => (res.body as any).extensions.cost;
const available = (res: GraphQLResponse) => costOf(res).throttleStatus.currentlyAvailable;

let now: number;
let server: TestServer;
beforeEach(async () => {
  now = Date.parse('2026-03-14T09:00:00Z');
  server = await startServer(CONTRACT_BUCKETS, { clock: () => now });
  return () => server.close();
});

describe('the bucket drains, refuses with Retry-After, and refills', () => {
  it('drains by each query’s cost, then refuses with 429 and the time until the next one fits', async () => {
    const levels: number[] = [];
    for (let i = 0; i < 9; i++) levels.push(available(await server.gql(PAGE)));
    expect(levels).toEqual([899, 798, 697, 596, 495, 394, 293, 192, 91]);

    const { result: res, statements } = await server.countSql(() => server.gql(PAGE));
    expect(statements).toBe(0);
    expect(res.status).toBe(429);
    expect(codesOf(res)).toEqual(['RATE_LIMITED']);
    // 101 − 91 = 10 points short, at 100 points a second: 100 ms, announced as 1 whole second.
    expect(res.body.errors![0]!.extensions!.retryAfterMs).toBe(100);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(costOf(res)).toMatchObject({
      requestedQueryCost: 101,
      actualQueryCost: 0,
      throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 91, restoreRate: 100 },
    });
  });

  it('refills at RATE_LIMIT_RESTORE points a second, up to the bucket’s size', async () => {
    for (let i = 0; i < 9; i++) await server.gql(PAGE);
    now += 99;
    expect((await server.gql(PAGE)).body.errors![0]!.extensions!.retryAfterMs).toBe(1);
    now += 1;
    expect(available(await server.gql(PAGE))).toBe(0);
    now += 2_500;
    expect(available(await server.gql('{ __typename }'))).toBe(250);
    now += 60_000;
    expect(available(await server.gql('{ __typename }'))).toBe(1000);
  });

  it('Retry-After is in whole seconds, rounded up', async () => {
    for (let i = 0; i < 9; i++) await server.gql(PAGE);
    // 1 + 100 × (1 (product) + 1 (seller) + 1 (connection) + 6 × 1) = 901 points against 91: 8.1 s.
    const res = await server.gql('{ products(first: 100) { nodes { seller { name } reviews(first: 6) { nodes { id } } } } }');
    expect(res.status).toBe(429);
    expect(res.body.errors![0]!.extensions!.retryAfterMs).toBe(8100);
    expect(res.headers.get('retry-after')).toBe('9');
  });
});

describe('charged up front, refunded after', () => {
  it('asking for 50 of a list of none costs 1, not 51', async () => {
    const res = await server.gql('{ products(first: 50, filter: { minPrice: 2000000000 }) { nodes { id } } }');
    expect(costOf(res)).toMatchObject({ requestedQueryCost: 51, actualQueryCost: 1 });
    expect(available(res)).toBe(999);
  });

  it('a query needs its requested cost in the bucket, even if it will use less', async () => {
    for (let i = 0; i < 9; i++) await server.gql(PAGE); // 91 left
    const q = '{ products(first: 100, filter: { minPrice: 2000000000 }) { nodes { id } } }';
    expect(codesOf(await server.gql(q))).toEqual(['RATE_LIMITED']);
    now += 100;
    const res = await server.gql(q);
    expect(costOf(res)).toMatchObject({ requestedQueryCost: 101, actualQueryCost: 1 });
    expect(available(res)).toBe(100);
  });

  it('a batch is charged once for all its operations, and each refunds its own difference', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: PAGE }, { query: '{ products(first: 30, filter: { minPrice: 2000000000 }) { nodes { id } } }' }]),
    });
    const ops = (await res.json()) as any[];
    expect(ops.map((op) => op.extensions.cost.requestedQueryCost)).toEqual([101, 31]);
    expect(ops.map((op) => op.extensions.cost.actualQueryCost)).toEqual([101, 1]);
    expect(available(await server.gql('{ __typename }'))).toBe(1000 - 101 - 1);
  });

  it('a batch the bucket cannot pay for is refused whole, with 429', async () => {
    for (let i = 0; i < 8; i++) await server.gql(PAGE); // 192 left
    const { result, statements } = await server.countSql(() =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ query: PAGE }, { query: PAGE }]),
      }),
    );
    expect(statements).toBe(0);
    expect(result.status).toBe(429);
    expect(result.headers.get('retry-after')).toBe('1');
    const ops = (await result.json()) as any[];
    expect(ops.map((op) => op.errors[0].extensions.code)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    expect(ops[0].errors[0].extensions.retryAfterMs).toBe(100); // 202 − 192 = 10 points
  });
});

describe('one bucket per caller', () => {
  it('signed-in callers spend from their own, larger bucket; anonymous ones from their IP’s', async () => {
    const auth = await signInAll(server);
    const anonymous = available(await server.gql('{ __typename }'));
    const buyer = await server.gql(PAGE, undefined, auth.buyer);
    expect(costOf(buyer).throttleStatus).toEqual({ maximumAvailable: 2000, currentlyAvailable: 1899, restoreRate: 100 });
    const buyer2 = await server.gql(PAGE, undefined, auth.buyer2);
    expect(available(buyer2)).toBe(1899);
    expect(available(await server.gql('{ __typename }'))).toBe(anonymous);
  });

  it('X-Forwarded-For is ignored unless TRUST_PROXY is on', async () => {
    const forwarded = (ip: string) => ({ 'x-forwarded-for': ip });
    await server.gql(PAGE, undefined, forwarded('203.0.113.7'));
    expect(available(await server.gql(PAGE, undefined, forwarded('203.0.113.8')))).toBe(798);

    const proxied = await startServer({ ...CONTRACT_BUCKETS, TRUST_PROXY: 'on' }, { clock: () => now });
    await proxied.gql(PAGE, undefined, forwarded('203.0.113.7'));
    expect(available(await proxied.gql(PAGE, undefined, forwarded('203.0.113.8')))).toBe(899);
    expect(available(await proxied.gql(PAGE, undefined, forwarded('203.0.113.7')))).toBe(798);
    await proxied.close();
  });

  it('subscriptions and the REST shim spend from the same bucket with one call', async () => {
    const caller = { viewer: null, request: { ip: '127.0.0.1' } };
    expect(await server.app.deps.rateLimiter.spend(caller, 500)).toMatchObject({ currentlyAvailable: 500 });
    expect(available(await server.gql(PAGE))).toBe(399);
    await expect(server.app.deps.rateLimiter.spend(caller, 400)).rejects.toMatchObject({
      extensions: { code: 'RATE_LIMITED', retryAfterMs: 10 },
    });
  });
});

describe('the in-process bucket store', () => {
  const limits = { capacity: 10, restorePerSecond: 2 };

  it('takes all or nothing, refunds up to capacity, and refills with time', async () => {
    const store = createMemoryBucketStore();
    expect(await store.take('k', 4, limits, 0)).toEqual({ ok: true, available: 6, retryAfterMs: 0 });
    expect(await store.take('k', 7, limits, 0)).toEqual({ ok: false, available: 6, retryAfterMs: 500 });
    expect(await store.refund('k', 100, limits, 0)).toBe(10);
    expect(await store.take('k', 10, limits, 0)).toMatchObject({ ok: true, available: 0 });
    expect(await store.peek('k', limits, 1500)).toBe(3);
    expect(await store.peek('other', limits, 0)).toBe(10);
  });

  it('forgets the least recently used buckets past its size, which then start full', async () => {
    const store = createMemoryBucketStore(2);
    for (const key of ['a', 'b', 'c']) await store.take(key, 5, limits, 0);
    expect(await store.peek('a', limits, 0)).toBe(10);
    expect(await store.peek('c', limits, 0)).toBe(5);
  });
});

describe('configuration', () => {
  it('TRUST_PROXY is off by default', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'on' }).trustProxy).toBe(true);
  });

  it('a bucket smaller than MAX_QUERY_COST fails at start, naming the variable', () => {
    expect(() => loadConfig({ RATE_LIMIT_ANON_MAX: '500' })).toThrow(ConfigError);
    expect(() => loadConfig({ RATE_LIMIT_ANON_MAX: '500' })).toThrow(/RATE_LIMIT_ANON_MAX/);
    expect(loadConfig({ RATE_LIMIT_ANON_MAX: '500', MAX_QUERY_COST: '500' }).rateLimitAnonMax).toBe(500);
  });
});
