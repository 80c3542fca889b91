/**
 * Servers over one Redis act as one: two instances in this process over one database (on SQLite one file: REDIS_URL
 * with SQLite is allowed) and the run's Redis, each pair under its own key prefix. Then Redis lost and back, on a private
 * redis-server this file stops and restarts.
 */
import { randomUUID } from 'node:crypto';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { openDatabase } from '../src/db/index.js';
import { createApp, type App } from '../src/server.js';
import { startRedis, type RedisServer } from '../tools/services/redis.js';
import { signInAll, type Demo } from './helpers/accounts.js';
import { databaseFromTemplate } from './helpers/db.js';
import { codesOf, dataOf, type GraphQLResponse, type TestServer } from './helpers/server.js';

type Instance = Pick<TestServer, 'url' | 'gql'> & { app: App };
const asServer = (i: Instance) => i as unknown as TestServer; // signInAll only calls gql

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

/** A fresh database from the seeded template (either engine), shared by the instances started on it. */
async function databaseFile(): Promise<string> {
  const db = await databaseFromTemplate(inject('templateDb'));
  cleanup.push(() => db.dispose());
  return db.value;
}

const JWT_SECRET = 'a-secret-every-instance-shares-0123456789';

async function startInstance(file: string, env: Record<string, string>): Promise<Instance> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: file,
    JWT_SECRET,
    RATE_LIMIT_ANON_MAX: '100000000',
    RATE_LIMIT_MAX: '100000000',
    ...env,
  });
  const app = await createApp(config, await openDatabase(config.databaseUrl));
  const url = await app.listen(0, '127.0.0.1');
  cleanup.push(() => app.close());
  await app.deps.stores.redis?.whenAvailable();
  return {
    url,
    app,
    async gql(query, variables, headers = {}) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse['body'] };
    },
  };
}

/** Two instances over one database and one Redis namespace. */
async function pair(env: Record<string, string> = {}): Promise<[Instance, Instance]> {
  const file = await databaseFile();
  const shared = { REDIS_URL: inject('redisUrl'), REDIS_PREFIX: `test:${randomUUID()}:`, ...env };
  return [await startInstance(file, shared), await startInstance(file, shared)];
}

const xCache = (res: GraphQLResponse) => res.headers.get('x-cache');
const PRODUCT = `query P($id: ID!) { product(id: $id) { id title price { amount } } }`;
const LIST = `{ products(first: 5, sort: PRICE_DESC) { nodes { id title price { amount } } } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateProductInput!) { updateProduct(id: $id, input: $i) { id title price { amount } } }`;

describe('two instances, one Redis', () => {
  let a: Instance;
  let b: Instance;
  let auth: Record<Demo, Record<string, string>>;
  beforeAll(async () => {
    [a, b] = await pair();
    auth = await signInAll(asServer(a));
  });

  it('a write on A is read on B at once: entities and lists, no stale read', async () => {
    expect(xCache(await b.gql(PRODUCT, { id: 'prd_1' }))).toBe('MISS');
    expect(xCache(await b.gql(PRODUCT, { id: 'prd_1' }))).toBe('HIT');
    expect(xCache(await a.gql(PRODUCT, { id: 'prd_1' }))).toBe('HIT'); // stored by B, served by A
    await b.gql(LIST);
    expect(xCache(await b.gql(LIST))).toBe('HIT');

    const changed = await a.gql(UPDATE, { id: 'prd_1', i: { title: 'Renamed on A', price: 99_999_900, mrp: 99_999_900 } }, auth.seller);
    expect(dataOf<any>(changed).updateProduct.title).toBe('Renamed on A');

    const read = await b.gql(PRODUCT, { id: 'prd_1' });
    expect(xCache(read)).toBe('MISS');
    expect(dataOf<any>(read).product.title).toBe('Renamed on A');
    const list = await b.gql(LIST);
    expect(xCache(list)).toBe('MISS');
    expect(dataOf<any>(list).products.nodes[0]).toMatchObject({ id: 'prd_1', title: 'Renamed on A' });
  });

  it('private data stays per caller across instances', async () => {
    const VIEWER = `{ viewer { id email } }`;
    const mine = await a.gql(VIEWER, {}, auth.buyer);
    expect(xCache(await b.gql(VIEWER, {}, auth.buyer))).toBe('HIT');
    const theirs = await b.gql(VIEWER, {}, auth.buyer2);
    expect(xCache(theirs)).toBe('MISS');
    expect(dataOf<any>(theirs).viewer.email).not.toBe(dataOf<any>(mine).viewer.email);
    expect(dataOf<any>(await a.gql(VIEWER)).viewer).toBeNull();
  });

  it('a persisted query registered on A is known to B', async () => {
    const query = `{ products(first: 2) { totalCount } }`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash } });
    const byHash = (i: Instance) =>
      fetch(`${i.url}/graphql?extensions=${encodeURIComponent(extensions)}`, { headers: { 'apollo-require-preflight': '1' } });
    expect(((await (await byHash(b)).json()) as any).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await fetch(`${a.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, extensions: JSON.parse(extensions) }),
    });
    expect(registered.status).toBe(200);
    const res = await byHash(b);
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).data.products.totalCount).toBeGreaterThan(0);
  });

  it('failed sign-ins on A throttle the account on B', async () => {
    const LOGIN = 'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }';
    for (let i = 0; i < 3; i++) {
      expect(codesOf(await (i % 2 ? b : a).gql(LOGIN, { e: 'buyer2@example.com', p: 'wrong' }))).toEqual(['UNAUTHENTICATED']);
    }
    const throttled = await b.gql(LOGIN, { e: 'buyer2@example.com', p: 'demo-password' });
    expect(codesOf(throttled)).toEqual(['RATE_LIMITED']);
    expect(throttled.status).toBe(429);
  }, 60_000);
});

describe('one bucket per caller, wherever it lands', () => {
  it('points spent on A are gone on B: alternating, the caller gets one bucket of points, not two', async () => {
    const [a, b] = await pair({ MAX_QUERY_COST: '50', RATE_LIMIT_ANON_MAX: '50', RATE_LIMIT_RESTORE: '1', RESPONSE_CACHE: 'off' });
    const started = Date.now();
    let spent = 0;
    let refused: GraphQLResponse | undefined;
    for (let i = 0; i < 200 && !refused; i++) {
      const res = await (i % 2 ? a : b).gql(PRODUCT, { id: 'prd_2' });
      if (res.status === 429) refused = res;
      else spent += (res.body as any).extensions.cost.actualQueryCost;
    }
    expect(refused && codesOf(refused)).toEqual(['RATE_LIMITED']);
    const restored = Math.ceil((Date.now() - started) / 1000) + 1;
    expect(spent).toBeGreaterThan(50 - 10);
    expect(spent).toBeLessThanOrEqual(50 + restored);
  });
});

describe('Redis lost and back', () => {
  let redis: RedisServer;
  let a: Instance;
  let auth: Record<Demo, Record<string, string>>;
  beforeAll(async () => {
    redis = await startRedis({ persist: true });
    cleanup.push(() => redis.stop());
    a = await startInstance(await databaseFile(), { REDIS_URL: redis.url });
    auth = await signInAll(asServer(a));
  });

  const ready = async () => {
    const res = await fetch(`${a.url}/ready`);
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };
  const until = async (check: () => Promise<boolean>, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('reads bypass the cache, writes work, /ready names redis; back, no response made stale meanwhile is served', async () => {
    expect(await ready()).toEqual({ status: 200, body: { status: 'ok', database: 'ok', redis: 'ok' } });
    await a.gql(PRODUCT, { id: 'prd_3' });
    expect(xCache(await a.gql(PRODUCT, { id: 'prd_3' }))).toBe('HIT');

    await redis.kill();
    await until(async () => (await ready()).status === 503);
    expect((await ready()).body).toEqual({ status: 'unavailable', database: 'ok', redis: 'failed' });
    const during = await a.gql(PRODUCT, { id: 'prd_3' });
    expect(xCache(during)).toBe('BYPASS');
    expect((during.body as any).extensions.cost.throttleStatus).toBeDefined(); // buckets hold per instance
    const write = await a.gql(UPDATE, { id: 'prd_3', i: { title: 'Changed while Redis was down' } }, auth.seller);
    expect(dataOf<any>(write).updateProduct.title).toBe('Changed while Redis was down');

    await redis.restart(); // with the data it had: the entry for prd_3 from before the write is back in Redis
    await until(async () => (await ready()).status === 200);
    const after = await a.gql(PRODUCT, { id: 'prd_3' });
    expect(xCache(after)).toBe('MISS');
    expect(dataOf<any>(after).product.title).toBe('Changed while Redis was down');
    expect(xCache(await a.gql(PRODUCT, { id: 'prd_3' }))).toBe('HIT');
  }, 60_000);

  it('comes back empty too, and recovers by itself', async () => {
    await redis.kill();
    await until(async () => (await ready()).status === 503);
    const during = await a.gql(PRODUCT, { id: 'prd_4' });
    expect(xCache(during)).toBe('BYPASS');
    await redis.stop();
    redis = await startRedis({ port: redis.port });
    cleanup.push(() => redis.stop());
    await until(async () => (await ready()).status === 200);
    expect(xCache(await a.gql(PRODUCT, { id: 'prd_4' }))).toBe('MISS');
    expect(xCache(await a.gql(PRODUCT, { id: 'prd_4' }))).toBe('HIT');
  }, 60_000);
});
