/**
 * "Scaling out": three real instances (`src/main.ts` in child processes, as `npm run cluster` starts them) over one
 * private PostgreSQL and one private Redis act as one server. One cluster serves the whole file (three processes
 * and a seed take a while); the tests that stop a store or kill an instance come last.
 *
 * Anonymous callers are told apart by `X-Forwarded-For` (TRUST_PROXY=on), so each test spends its own bucket.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../tools/cluster.js';
import { rawClient, type RawClient } from '../helpers/ws.js';

let cluster: Cluster;
let sql: pg.Client;
let a: string, b: string, c: string;
beforeAll(async () => {
  cluster = await startCluster({
    instances: 3,
    port: 0, // a free port for each instance: consecutive ones may be taken by the rest of the suite
    products: 200,
    database: 'postgres',
    env: { TRUST_PROXY: 'on', RATE_LIMIT_MAX: '100000000', LOG_LEVEL: 'warn', NODE_ENV: 'production' },
  });
  [a, b, c] = cluster.urls as [string, string, string];
  sql = new pg.Client({ connectionString: cluster.databaseUrl });
  sql.on('error', () => {}); // the PostgreSQL test below stops the server under it
  await sql.connect();
}, 240_000);
afterAll(async () => {
  await sql?.end().catch(() => {});
  await cluster?.stop();
}, 60_000);

// ---- helpers ----

interface Res {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[]; extensions?: any };
}

/** A caller: its address (anonymous bucket) and, once signed in, its token. */
type Caller = { ip: string; authorization?: string };
const anonymous = (): Caller => ({ ip: `10.${rnd()}.${rnd()}.${rnd()}` });
const rnd = () => Math.floor(Math.random() * 250) + 1;

async function gql(url: string, query: string, variables: Record<string, unknown> = {}, caller: Caller = anonymous()): Promise<Res> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': caller.ip,
      ...(caller.authorization && { authorization: caller.authorization }),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Res['body'] };
}
function data(res: Res): any {
  if (res.body.errors?.length) throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
}
const codes = (res: Res) => (res.body.errors ?? []).map((e) => e.extensions?.code);

const LOGIN = `mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken refreshToken } }`;
async function signIn(url: string, email: string): Promise<Caller & { refreshToken: string }> {
  const caller = anonymous();
  const { logIn } = data(await gql(url, LOGIN, { e: email, p: 'demo-password' }, caller));
  return { ...caller, authorization: `Bearer ${logIn.accessToken}`, refreshToken: logIn.refreshToken };
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Products of the demo seller (seller 1) no earlier test used, with stock set. */
let used = 0;
async function sellerProducts(count: number, stock: number): Promise<string[]> {
  const { rows } = await sql.query('select id from products where seller_id = 1 order by id limit $1 offset $2', [count, used]);
  used += count;
  if (rows.length < count) throw new Error('the seed has too few products of seller 1 for this file');
  await sql.query('update products set stock = $1 where id = any($2::bigint[])', [stock, rows.map((r) => r.id)]);
  return rows.map((r) => `prd_${r.id}`);
}

const PRODUCT = `query P($id: ID!) { product(id: $id) { id title stock } }`;
const LIST = `{ products(first: 5, sort: PRICE_DESC) { nodes { id title } } }`;
const PLACE = `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id events { id } } }`;
const MOVE = `mutation($id: ID!, $s: OrderStatus!) { updateOrderStatus(id: $id, status: $s) { status } }`;
const MY_UPDATES = `subscription($after: ID) { myOrderUpdates(afterEventId: $after) { id status events { id status } } }`;

const sockets: RawClient[] = [];
async function socketOn(url: string, caller: Caller): Promise<RawClient> {
  const client = rawClient(`${url.replace(/^http/, 'ws')}/graphql`, { authorization: caller.authorization });
  sockets.push(client);
  await client.acked;
  return client;
}
afterAll(() => sockets.forEach((s) => s.socket.terminate()));

// ---- the rules ----

describe('a mutation answered by one instance is read by every other at once', () => {
  it('entities and lists: cached on B and C, changed on A, fresh on B and C', async () => {
    const seller = await signIn(a, 'seller@example.com');
    const [id] = await sellerProducts(1, 50);
    await sql.query('update products set price_paise = 999999900, mrp_paise = 999999900 where id = $1', [Number(id!.slice(4))]);
    for (const url of [b, c]) {
      await gql(url, PRODUCT, { id });
      expect((await gql(url, PRODUCT, { id })).headers.get('x-cache')).toBe('HIT');
      await gql(url, LIST);
      expect((await gql(url, LIST)).headers.get('x-cache')).toBe('HIT');
    }
    data(await gql(a, 'mutation($id: ID!) { updateProduct(id: $id, input: { title: "Renamed on A" }) { id } }', { id }, seller));
    for (const url of [b, c]) {
      expect(data(await gql(url, PRODUCT, { id })).product.title).toBe('Renamed on A');
      expect(data(await gql(url, LIST)).products.nodes[0]).toEqual({ id, title: 'Renamed on A' });
    }
  });

  it('private data stays per caller: a viewer cached on A is not served to another caller on B', async () => {
    const VIEWER = `{ viewer { id email } }`;
    const [buyer, buyer2] = [await signIn(a, 'buyer@example.com'), await signIn(b, 'buyer2@example.com')];
    expect(data(await gql(a, VIEWER, {}, buyer)).viewer.email).toBe('buyer@example.com');
    expect((await gql(b, VIEWER, {}, buyer)).headers.get('x-cache')).toBe('HIT');
    expect(data(await gql(c, VIEWER, {}, buyer2)).viewer.email).toBe('buyer2@example.com');
    expect(data(await gql(c, VIEWER)).viewer).toBeNull();
  });
});

describe('a caller has one bucket wherever it lands', () => {
  it('spending round robin over three instances, the caller gets one bucket (1000 points), not three', async () => {
    const caller = anonymous();
    const started = Date.now();
    let spent = 0;
    let refused: Res | undefined;
    // Uncached (a different id each time), so every request really spends.
    for (let i = 0; i < 90 && !refused; i++) {
      const res = await gql([a, b, c][i % 3]!, `query($f: Int!) { products(first: $f) { nodes { id } } }`, { f: 10 + i }, caller);
      if (res.status === 429) refused = res;
      else spent += res.body.extensions.cost.actualQueryCost;
    }
    expect(refused && codes(refused)).toEqual(['RATE_LIMITED']);
    const restored = 100 * (Math.ceil((Date.now() - started) / 1000) + 1);
    expect(spent).toBeGreaterThan(1000 - 60);
    expect(spent).toBeLessThanOrEqual(1000 + restored);
  });
});

describe('sessions and sign-ins are shared', () => {
  it('a refresh token rotated on A and replayed on B revokes its family (on C too)', async () => {
    const REFRESH = `mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }`;
    const first = await signIn(a, 'buyer2@example.com');
    const second = data(await gql(a, REFRESH, { t: first.refreshToken })).refreshSession;
    await new Promise((r) => setTimeout(r, 10_500)); // past the 10 s grace window for concurrent refreshes
    const replayed = await gql(b, REFRESH, { t: first.refreshToken });
    expect(codes(replayed)).toEqual(['UNAUTHENTICATED']);
    expect(codes(await gql(c, REFRESH, { t: second.refreshToken }))).toEqual(['UNAUTHENTICATED']);
  }, 60_000);

  it('login failures count on every instance', async () => {
    const caller = anonymous();
    for (const url of [a, b, c]) {
      expect(codes(await gql(url, LOGIN, { e: 'admin@example.com', p: 'wrong' }, caller))).toEqual(['UNAUTHENTICATED']);
    }
    const locked = await gql(a, LOGIN, { e: 'admin@example.com', p: 'demo-password' }, anonymous());
    expect(codes(locked)).toEqual(['RATE_LIMITED']);
    expect(locked.status).toBe(429);
  });

  it('a persisted query registered on A is known to B and C', async () => {
    const query = `{ products(first: 3) { totalCount } }`;
    const { createHash } = await import('node:crypto');
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    const byHash = (url: string) =>
      fetch(`${url}/graphql?extensions=${encodeURIComponent(JSON.stringify({ persistedQuery }))}`, {
        headers: { 'apollo-require-preflight': '1', 'x-forwarded-for': anonymous().ip },
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));
    expect((await byHash(b)).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await fetch(`${a}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, extensions: { persistedQuery } }),
    });
    expect(registered.status).toBe(200);
    for (const url of [b, c]) expect((await byHash(url)).body.data.products.totalCount).toBeGreaterThan(0);
  });
});

describe('subscriptions: every change through any instance, once, in commit order; resume anywhere', () => {
  it('a seller subscribed on C sees the changes made on A and B in commit order, once', async () => {
    const [seller, buyer] = [await signIn(c, 'seller@example.com'), await signIn(a, 'buyer@example.com')];
    const [productId] = await sellerProducts(1, 1000);
    const watcher = await socketOn(c, seller);
    watcher.subscribe('w', MY_UPDATES);
    await new Promise((r) => setTimeout(r, 300)); // the server registers it (it sends nothing until a change)

    const orders = await Promise.all(
      [a, b, a, b].map(async (url) => data(await gql(url, PLACE, { i: { items: [{ productId, quantity: 1 }], idempotencyKey: randomUUID() } }, buyer)).placeOrder.id as string),
    );
    await Promise.all(orders.map((id, i) => gql([b, a][i % 2]!, MOVE, { id, s: 'CONFIRMED' }, seller)));
    await until(() => watcher.nexts('w').length === 8, 'eight changes on C');
    const seen = watcher.nexts('w').map((p) => p.data.myOrderUpdates);
    const lastEvent = (o: { events: { id: string }[] }) => Number(o.events.at(-1)!.id.replace(/\D/g, ''));
    // Commit order: each delivery's latest event id is above the one before; each change exactly once.
    const ids = seen.map(lastEvent);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(8);
    expect(seen.filter((o) => o.status === 'CONFIRMED').map((o) => o.id).sort()).toEqual([...orders].sort());
  });

  it('afterEventId taken on one instance resumes on another with no gap and no duplicate', async () => {
    const [seller, buyer] = [await signIn(a, 'seller@example.com'), await signIn(a, 'buyer@example.com')];
    const [productId] = await sellerProducts(1, 1000);
    const placed = data(await gql(a, PLACE, { i: { items: [{ productId, quantity: 1 }], idempotencyKey: randomUUID() } }, buyer)).placeOrder;
    const first = await socketOn(b, buyer);
    first.subscribe('1', MY_UPDATES, { after: placed.events[0].id });
    await new Promise((r) => setTimeout(r, 300));
    await gql(c, MOVE, { id: placed.id, s: 'CONFIRMED' }, seller);
    await until(() => first.nexts('1').length === 1, 'the confirmation on B');
    const cursor = first.nexts('1')[0].data.myOrderUpdates.events.at(-1).id;
    first.socket.terminate();
    await gql(a, MOVE, { id: placed.id, s: 'SHIPPED' }, seller); // while nobody listens

    const resumed = await socketOn(c, buyer);
    resumed.subscribe('2', MY_UPDATES, { after: cursor });
    await until(() => resumed.nexts('2').length === 1, 'the replay on C');
    await gql(b, MOVE, { id: placed.id, s: 'DELIVERED' }, seller);
    await until(() => resumed.nexts('2').length === 2, 'the live change on C');
    expect(resumed.nexts('2').map((p) => p.data.myOrderUpdates.status)).toEqual(['SHIPPED', 'DELIVERED']);
  });
});

describe('orders across instances', () => {
  it('the same idempotencyKey sent to three instances at once makes one order, and every answer is that order', async () => {
    const buyer = await signIn(a, 'buyer@example.com');
    const [productId] = await sellerProducts(1, 1000);
    const input = { items: [{ productId, quantity: 1 }], idempotencyKey: randomUUID() };
    const answers = await Promise.all([a, b, c, a, b, c].map((url) => gql(url, PLACE, { i: input }, buyer)));
    const ids = answers.map((res) => data(res).placeOrder.id);
    expect(new Set(ids).size).toBe(1);
  });

  /** 150 buyers' attempts for 40 units, spread round robin over `urls`; counts what the database holds after. */
  async function sale(urls: string[], onStarted?: () => void) {
    const [productId] = await sellerProducts(1, 40);
    const productRow = Number(productId!.slice(4));
    const buyers = [await signIn(a, 'buyer@example.com'), await signIn(b, 'buyer2@example.com')];
    const attempts = Array.from({ length: 150 }, (_, i) =>
      gql(urls[i % urls.length]!, PLACE, { i: { items: [{ productId, quantity: 1 }], idempotencyKey: randomUUID() } }, buyers[i % 2])
        .then((res) => ({ id: (res.body.data?.placeOrder?.id as string | undefined) ?? null, code: codes(res)[0] ?? null, status: res.status }))
        .catch(() => ({ id: null, code: 'CONNECTION_LOST', status: 0 })), // the killed instance's requests
    );
    onStarted?.();
    const answers = await Promise.all(attempts);
    const acknowledged = answers.flatMap((x) => (x.id ? [Number(x.id.replace(/\D/g, ''))] : []));
    const sold = Number((await sql.query('select coalesce(sum(quantity), 0)::int as n from order_items where product_id = $1', [productRow])).rows[0].n);
    const stock = Number((await sql.query('select stock from products where id = $1', [productRow])).rows[0].stock);
    const stored = (await sql.query('select id from orders where id = any($1::bigint[])', [acknowledged])).rows.length;
    const tally: Record<string, number> = {};
    for (const x of answers) tally[x.id ? 'ORDER' : x.code!] = (tally[x.id ? 'ORDER' : x.code!] ?? 0) + 1;
    return { acknowledged: acknowledged.length, sold, stock, stored, tally };
  }

  it('150 buyers through three instances for 40 units: exactly 40 orders, the rest OUT_OF_STOCK', async () => {
    const result = await sale([a, b, c]);
    expect(result).toEqual({ acknowledged: 40, sold: 40, stock: 0, stored: 40, tally: { ORDER: 40, OUT_OF_STOCK: 110 } });
  }, 120_000);

  it('an instance killed with SIGKILL mid-sale: every acknowledged order exists, stock + sold = 40', async () => {
    const result = await sale([a, b, c], () => setTimeout(() => cluster.children[2]!.kill('SIGKILL'), 20));
    expect(result.stored).toBe(result.acknowledged);
    expect(result.stock + result.sold).toBe(40);
    // An order the killed instance committed but could not answer is sold and not acknowledged; nothing else differs.
    expect(result.sold).toBeGreaterThanOrEqual(result.acknowledged);
    expect(result.tally.CONNECTION_LOST ?? 0).toBeGreaterThan(0);
  }, 120_000);
});

describe('losing a store', () => {
  const ready = async (url: string) => {
    const res = await fetch(`${url}/ready`);
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };

  it('Redis stopped: /ready names redis, reads bypass the cache, subscriptions close 1013; restarted: all recover, nothing stale', async () => {
    const seller = await signIn(a, 'seller@example.com');
    const [id] = await sellerProducts(1, 50);
    await gql(b, PRODUCT, { id });
    expect((await gql(b, PRODUCT, { id })).headers.get('x-cache')).toBe('HIT');
    const watcher = await socketOn(b, seller);
    watcher.subscribe('w', MY_UPDATES);

    await cluster.redis.kill();
    await until(async () => (await ready(a)).status === 503 && (await ready(b)).status === 503, 'both instances to report redis');
    expect((await ready(a)).body).toEqual({ status: 'unavailable', database: 'ok', redis: 'failed' });
    await until(() => watcher.closed === 1013, 'the open subscription to close with 1013');
    const during = await gql(b, PRODUCT, { id });
    expect(during.headers.get('x-cache')).toBe('BYPASS');
    data(await gql(a, 'mutation($id: ID!) { updateProduct(id: $id, input: { title: "Changed during the outage" }) { id } }', { id }, seller));

    await cluster.redis.restart(); // empty: the entry from before the write is gone with it, and the epoch moved on
    await until(async () => (await ready(a)).status === 200 && (await ready(b)).status === 200, 'both instances to recover');
    const after = await gql(b, PRODUCT, { id });
    expect(data(after).product.title).toBe('Changed during the outage');
    expect(after.headers.get('x-cache')).toBe('MISS');
  }, 60_000);

  it('PostgreSQL stopped: /ready names database, reads that need it are SERVICE_UNAVAILABLE (503, Retry-After), nothing crashes; restarted: all recover', async () => {
    const [id] = await sellerProducts(1, 50);
    await cluster.database.kill!();
    await until(async () => (await ready(a)).status === 503 && (await ready(b)).status === 503, 'both instances to report the database');
    expect((await ready(a)).body).toEqual({ status: 'unavailable', database: 'failed', redis: 'ok' });
    const refused = await gql(b, `query($id: ID!) { product(id: $id) { id title reviews(first: 3) { totalCount } } }`, { id });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(codes(refused)).toContain('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(refused.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/i);

    await cluster.database.restart!();
    await until(async () => (await ready(a)).status === 200 && (await ready(b)).status === 200, 'both instances to recover', 30_000);
    expect(data(await gql(b, PRODUCT, { id })).product.id).toBe(id);
    expect(cluster.children.slice(0, 2).every((child) => child.exitCode === null)).toBe(true);
  }, 90_000);
});
