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
import { databaseFromTemplate, sqlOn } from './helpers/db.js';
import { rawClient, until as waitFor, type RawClient } from './helpers/ws.js';
import { codesOf, dataOf, gqlOn, type GraphQLResponse, type TestServer } from './helpers/server.js';

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
    gql: gqlOn(url),
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
const PLACE = `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id events { id } } }`;
const MOVE = `mutation($id: ID!, $s: OrderStatus!) { updateOrderStatus(id: $id, status: $s) { status } }`;
const MY_UPDATES = `subscription($after: ID) { myOrderUpdates(afterEventId: $after) { id status } }`;

/** A product of the demo seller with plenty of stock, in the instances' database. */
async function stockedProduct(i: Instance): Promise<string> {
  const sql = sqlOn(i.app.deps.database);
  const id = await sql.value('select id from products where seller_id = 1 order by id limit 1');
  await sql.run('update products set stock = 100000 where id = ?', id);
  return `prd_${id}`;
}

/** A signed-in graphql-transport-ws client of an instance, acknowledged. */
async function socketOn(i: Instance, headers: Record<string, string>): Promise<RawClient> {
  const client = rawClient(`${i.url.replace(/^http/, 'ws')}/graphql`, { authorization: headers.authorization });
  cleanup.push(() => client.socket.terminate());
  await client.acked;
  return client;
}
const statuses = (client: RawClient, id: string) => client.nexts(id).map((p) => `${p.data.myOrderUpdates.id}:${p.data.myOrderUpdates.status}`);

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

describe('order changes reach subscribers on every instance', () => {
  // The change feed's poll is an hour here: a subscriber on B hears of an order placed on A only through Redis.
  let a: Instance;
  let b: Instance;
  let auth: Record<Demo, Record<string, string>>;
  let productId: string;
  beforeAll(async () => {
    [a, b] = await pair({ SUBSCRIPTION_POLL_MS: '3600000' });
    auth = await signInAll(asServer(a));
    productId = await stockedProduct(a);
  });

  it('a change made on A reaches a subscriber on B at once, every change once and in commit order', async () => {
    const seller = await socketOn(b, auth.seller);
    seller.subscribe('s', MY_UPDATES);
    await waitFor(() => b.app.subscriptions.stats().listeners === 1, 'the subscription to start');
    const placed = dataOf<any>(await a.gql(PLACE, { i: { items: [{ productId, quantity: 1 }], idempotencyKey: randomUUID() } }, auth.buyer)).placeOrder;
    await waitFor(() => seller.nexts('s').length === 1, 'the order placed on A to reach B', 10_000);
    expect(dataOf<any>(await a.gql(MOVE, { id: placed.id, s: 'CONFIRMED' }, auth.seller)).updateOrderStatus.status).toBe('CONFIRMED');
    expect(dataOf<any>(await b.gql(MOVE, { id: placed.id, s: 'SHIPPED' }, auth.seller)).updateOrderStatus.status).toBe('SHIPPED');
    await waitFor(() => seller.nexts('s').length === 3, 'every change', 10_000);
    expect(statuses(seller, 's')).toEqual([`${placed.id}:CREATED`, `${placed.id}:CONFIRMED`, `${placed.id}:SHIPPED`]);
  });

  it('afterEventId from one instance resumes on the other with no gap and no duplicate', async () => {
    const WITH_EVENTS = `subscription($after: ID) { myOrderUpdates(afterEventId: $after) { id status events { id } } }`;
    const placed = dataOf<any>(await a.gql(PLACE, { i: { items: [{ productId, quantity: 1 }], idempotencyKey: randomUUID() } }, auth.buyer)).placeOrder;
    const onA = await socketOn(a, auth.buyer);
    onA.subscribe('1', WITH_EVENTS, { after: placed.events[0].id });
    await waitFor(() => a.app.subscriptions.stats().listeners === 1, 'the subscription to start');
    await b.gql(MOVE, { id: placed.id, s: 'CONFIRMED' }, auth.seller);
    await waitFor(() => onA.nexts('1').length === 1, 'the confirmation', 10_000);
    const cursor = onA.nexts('1')[0].data.myOrderUpdates.events.at(-1).id; // what the client saw last
    onA.socket.terminate();
    await b.gql(MOVE, { id: placed.id, s: 'SHIPPED' }, auth.seller); // while the client is away

    const onB = await socketOn(b, auth.buyer);
    onB.subscribe('2', WITH_EVENTS, { after: cursor });
    await waitFor(() => onB.nexts('2').length === 1, 'the replay on B', 10_000);
    await a.gql(MOVE, { id: placed.id, s: 'DELIVERED' }, auth.seller);
    await waitFor(() => onB.nexts('2').length === 2, 'the live change after the replay', 10_000);
    expect(onB.nexts('2').map((p) => p.data.myOrderUpdates.status)).toEqual(['SHIPPED', 'DELIVERED']);
  });
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

  it('subscriptions: open ones closed with 1013, new ones refused with SERVICE_UNAVAILABLE; back, afterEventId loses nothing', async () => {
    const WITH_EVENTS = `subscription($after: ID) { myOrderUpdates(afterEventId: $after) { id status events { id } } }`;
    const productId = await stockedProduct(a);
    const placed = dataOf<any>(await a.gql(PLACE, { i: { items: [{ productId, quantity: 1 }], idempotencyKey: randomUUID() } }, auth.buyer)).placeOrder;
    const open = await socketOn(a, auth.buyer);
    open.subscribe('1', WITH_EVENTS, { after: placed.events[0].id });
    await waitFor(() => a.app.subscriptions.stats().listeners === 1, 'the subscription to start');

    await redis.kill();
    await waitFor(() => open.closed === 1013, 'the open subscription to be closed with 1013', 10_000);
    const refused = await socketOn(a, auth.buyer);
    refused.subscribe('2', WITH_EVENTS, { after: placed.events[0].id });
    await waitFor(() => refused.messages.some((m) => m.id === '2'), 'an answer to the new subscription', 10_000);
    expect(refused.messages.find((m) => m.id === '2')).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
    expect(dataOf<any>(await a.gql(MOVE, { id: placed.id, s: 'CONFIRMED' }, auth.seller)).updateOrderStatus.status).toBe('CONFIRMED');

    await redis.restart();
    await until(async () => (await ready()).status === 200);
    const back = await socketOn(a, auth.buyer);
    back.subscribe('3', WITH_EVENTS, { after: placed.events[0].id });
    await waitFor(() => back.nexts('3').length === 1, 'the change made during the outage', 10_000);
    expect(back.nexts('3')[0].data.myOrderUpdates).toMatchObject({ id: placed.id, status: 'CONFIRMED' });
  }, 60_000);
});
