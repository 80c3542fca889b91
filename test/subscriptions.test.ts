/**
 * Order subscriptions end to end: the graphql-ws client over a real WebSocket against a real server, order changes
 * driven by real mutations over HTTP. Time is the server's clock, which a test can move (`offset`).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { getOperationAST, parse } from 'graphql';
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resolvers } from '../resolvers/index.js';
import { createContext } from '../src/context.js';
import { loadTypeDefs } from '../src/graphql/schema.js';
import { queryLimits } from '../src/plugins/queryCost/index.js';
import { OrderFeedSource, orderUpdates } from '../src/services/orderUpdates.js';
import { attachSubscriptions } from '../src/subscriptions/server.js';
import { signInAll, type Demo } from './helpers/accounts.js';
import { dataOf, startServer, type TestServer } from './helpers/server.js';

const SECRET = 'w'.repeat(40);
let offset = 0;
const clock = () => Date.now() + offset;
let server: TestServer;
let auth: Record<Demo, Record<string, string>>;
const token = (who: Demo) => auth[who].authorization!.slice('Bearer '.length);
let productId: string;

beforeAll(async () => {
  server = await startServer({ JWT_SECRET: SECRET }, { clock });
  auth = await signInAll(server);
  const id = await server.sql.value('select id from products where seller_id = 1 order by id limit 1');
  await server.sql.run('update products set stock = 1000 where id = ?', id);
  productId = `prd_${id}`;
});

// ---- helpers: HTTP mutations, WebSocket clients, bounded waiting ----

const PLACE = `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id events { id } } }`;
const MOVE = `mutation($id: ID!, $s: OrderStatus!) { updateOrderStatus(id: $id, status: $s) { status } }`;
const ORDER_UPDATED = `subscription($id: ID!, $after: ID) { orderUpdated(orderId: $id, afterEventId: $after) {
  id status events { id status } } }`;
const MY_UPDATES = `subscription($after: ID) { myOrderUpdates(afterEventId: $after) { id status events { id status } } }`;

async function placeOrder(who: Demo = 'buyer', target = server): Promise<{ id: string; eventId: string }> {
  const res = await target.gql(PLACE, { i: { items: [{ productId, quantity: 1 }], idempotencyKey: randomUUID() } }, auth[who]);
  const order = dataOf(res).placeOrder;
  return { id: order.id, eventId: order.events[0].id };
}

async function move(orderId: string, status: string, who: Demo = 'seller', target = server) {
  return target.gql(MOVE, { id: orderId, s: status }, auth[who]);
}

/** Polls until `ready()` holds; fails after `ms`. */
async function until(ready: () => boolean, what = 'condition', ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

// Tokens signed here with the server's secret, as test/auth.test.ts does: `renew` stands for a client's fresh sign-in
// (logIn hashes a password, a second each on two cores), `claims` for a token that lives `ttlSeconds`.
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
function sign(payload: object, secret = SECRET): string {
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
function claims(ttlSeconds: number, sub = 'usr_1', role = 'BUYER') {
  const now = clock() / 1000;
  return { sub, role, iat: Math.floor(now), exp: now + ttlSeconds };
}
function renew(who: Demo): void {
  const { sub, role } = JSON.parse(Buffer.from(token(who).split('.')[1]!, 'base64url').toString());
  auth[who] = { authorization: `Bearer ${sign(claims(15 * 60, sub, role))}` };
}

const stats = (s: TestServer = server) => s.app.subscriptions.stats();

interface Connection {
  client: Client;
  /** Close codes the client saw, in order. */
  closes: number[];
  socket?: WebSocket;
}

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  await until(() => stats().sockets === 0 && stats().listeners === 0, 'the server to free every socket');
});

/** A graphql-ws client that signs in with `bearer` (anonymous without), or with exactly `params` when given. */
function connect(bearer?: string, target: TestServer = server, params?: Record<string, unknown>): Connection {
  const conn = { closes: [] } as unknown as Connection;
  conn.client = createClient({
    url: `${target.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: params ?? (bearer === undefined ? undefined : { authorization: `Bearer ${bearer}` }),
    retryAttempts: 0,
    on: {
      opened: (socket) => (conn.socket = socket as WebSocket),
      closed: (event) => conn.closes.push((event as { code: number }).code),
    },
  });
  clients.push(conn.client);
  return conn;
}

type Result = FormattedExecutionResult<Record<string, any>, unknown>;

interface Subscription {
  results: Result[];
  /** What an `error` message or a closed socket ended it with. */
  error?: unknown;
  completed: boolean;
  /** Statuses delivered so far. */
  statuses(): string[];
  /** The code of the first error, from a result or an `error` message. */
  code(): string | undefined;
  stop(): void;
}

function subscribe(conn: Connection, query: string, variables: Record<string, unknown> = {}): Subscription {
  const sub: Subscription = {
    results: [],
    completed: false,
    statuses: () => sub.results.map((r) => (r.data ? (Object.values(r.data)[0] as { status: string }).status : 'ERROR')),
    code: () =>
      (sub.results.find((r) => r.errors)?.errors?.[0]?.extensions?.code as string | undefined) ??
      (Array.isArray(sub.error) ? sub.error[0]?.extensions?.code : undefined),
    stop: () => {},
  };
  sub.stop = conn.client.subscribe(
    { query, variables },
    {
      next: (result) => void sub.results.push(result),
      error: (err) => void (sub.error = err),
      complete: () => void (sub.completed = true),
    },
  );
  return sub;
}

/** Subscribes and waits until the server listens for it (subscribing sends nothing back until something changes). */
async function live(conn: Connection, query: string, variables: Record<string, unknown> = {}): Promise<Subscription> {
  const before = stats().listeners;
  const sub = subscribe(conn, query, variables);
  await until(() => stats().listeners > before || sub.results.length > 0 || sub.error !== undefined, 'the subscription to start');
  return sub;
}

const lastEventId = (result: Result) => (Object.values(result.data!)[0] as any).events.at(-1).id as string;

// ---- the contract ----

describe('orderUpdated and myOrderUpdates deliver every change after commit, once and in order', () => {
  it('the buyer sees CONFIRMED → PACKED → SHIPPED; a refused move publishes nothing', async () => {
    const order = await placeOrder();
    const sub = await live(connect(token('buyer')), ORDER_UPDATED, { id: order.id });
    expect(sub.results).toEqual([]); // nothing until something changes
    // Sent back to back, without waiting for deliveries: each still arrives as of its own event.
    for (const status of ['CONFIRMED', 'PACKED', 'SHIPPED']) expect(dataOf(await move(order.id, status)).updateOrderStatus.status).toBe(status);
    expect((await move(order.id, 'PACKED')).body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT'); // rolled back, never published
    await until(() => sub.results.length >= 3, 'three updates');
    expect(sub.statuses()).toEqual(['CONFIRMED', 'PACKED', 'SHIPPED']);
    expect(sub.results.map((r) => r.data!.orderUpdated.events.map((e: { status: string }) => e.status).join())).toEqual([
      'CREATED,CONFIRMED',
      'CREATED,CONFIRMED,PACKED',
      'CREATED,CONFIRMED,PACKED,SHIPPED',
    ]);
    await move(order.id, 'DELIVERED');
    await until(() => sub.results.length >= 4, 'the fourth update');
    expect(sub.statuses()).toEqual(['CONFIRMED', 'PACKED', 'SHIPPED', 'DELIVERED']);
  });

  it('every change, the placing included, reaches myOrderUpdates of the buyer and of the seller, once', async () => {
    const buyer = await live(connect(token('buyer')), MY_UPDATES);
    const seller = await live(connect(token('seller')), MY_UPDATES);
    const other = await live(connect(token('buyer2')), MY_UPDATES);
    const order = await placeOrder();
    await move(order.id, 'CONFIRMED');
    await server.gql('mutation($id: ID!) { cancelOrder(id: $id) { status } }', { id: order.id }, auth.buyer);
    await until(() => buyer.results.length >= 3 && seller.results.length >= 3, 'three updates each');
    for (const sub of [buyer, seller]) {
      expect(sub.statuses()).toEqual(['CREATED', 'CONFIRMED', 'CANCELLED']);
      expect(sub.results.every((r) => r.data!.myOrderUpdates.id === order.id)).toBe(true);
    }
    expect(other.results).toEqual([]);
  });
});

describe('authorization', () => {
  it('another buyer cannot subscribe to the order: FORBIDDEN, and nothing is delivered', async () => {
    const order = await placeOrder();
    const watcher = await live(connect(token('buyer')), ORDER_UPDATED, { id: order.id });
    const intruder = subscribe(connect(token('buyer2')), ORDER_UPDATED, { id: order.id });
    await until(() => intruder.completed, 'the refusal');
    expect(intruder.code()).toBe('FORBIDDEN');
    await move(order.id, 'CONFIRMED');
    await until(() => watcher.results.length === 1, 'the buyer’s update');
    expect(intruder.results.filter((r) => r.data)).toEqual([]);
    expect(stats().listeners).toBe(1);
  });

  it('the seller of its items and an admin may subscribe to the order', async () => {
    const order = await placeOrder();
    const seller = await live(connect(token('seller')), ORDER_UPDATED, { id: order.id });
    const admin = await live(connect(token('admin')), ORDER_UPDATED, { id: order.id });
    await move(order.id, 'CONFIRMED');
    await until(() => seller.results.length === 1 && admin.results.length === 1, 'both updates');
    expect([seller.statuses(), admin.statuses()]).toEqual([['CONFIRMED'], ['CONFIRMED']]);
  });

  it('an anonymous connection is accepted but may not subscribe to orders: UNAUTHENTICATED', async () => {
    const order = await placeOrder();
    const conn = connect();
    const one = subscribe(conn, ORDER_UPDATED, { id: order.id });
    const mine = subscribe(conn, MY_UPDATES);
    await until(() => one.completed && mine.completed, 'the refusals');
    expect([one.code(), mine.code()]).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(conn.closes).not.toContain(4403);
  });

  it('bad arguments are BAD_USER_INPUT; an unknown order is NOT_FOUND', async () => {
    const conn = connect(token('buyer'));
    const subs = [
      subscribe(conn, ORDER_UPDATED, { id: 'prd_1' }),
      subscribe(conn, ORDER_UPDATED, { id: 'ord_999999' }),
      subscribe(conn, MY_UPDATES, { after: 'evt_x' }),
    ];
    await until(() => subs.every((s) => s.completed), 'the refusals');
    expect(subs.map((s) => s.code())).toEqual(['BAD_USER_INPUT', 'NOT_FOUND', 'BAD_USER_INPUT']);
  });

  it.each([
    ['expired', () => sign(claims(-1))],
    ['signed with another secret', () => sign(claims(60), 'x'.repeat(40))],
    ['not a JWT', () => 'hello'],
  ])('a bad token at connection_init (%s) closes the socket with 4403', async (_name, bad) => {
    const conn = connect(bad());
    const sub = subscribe(conn, MY_UPDATES);
    await until(() => sub.error !== undefined, 'the close');
    expect(conn.closes).toEqual([4403]);
    expect(sub.results).toEqual([]);
  });

  it.each([{ authorization: `Basic dXNlcjpwYXNz` }, { authorization: 42 }])(
    'an authorization param that is not "Bearer <token>" (%j) closes the socket with 4403',
    async (params) => {
      const conn = connect(undefined, server, params);
      const sub = subscribe(conn, MY_UPDATES);
      await until(() => sub.error !== undefined, 'the close');
      expect(conn.closes).toEqual([4403]);
    },
  );

  it('the socket closes with 4403 when its token expires, even with nothing to deliver', async () => {
    const conn = connect(sign(claims(0.5))); // NumericDate may be fractional: this token lives half a second
    const sub = await live(conn, MY_UPDATES);
    expect(sub.error).toBeUndefined(); // accepted and listening; then the timer fires
    await until(() => conn.closes.length > 0, 'the expiry close', 3_000);
    expect(conn.closes).toEqual([4403]);
    await until(() => stats().listeners === 0 && stats().expiryTimers === 0, 'the server to free it');
  });
});

describe('resuming with afterEventId: no gap, no duplicate', () => {
  it('a client that missed two changes gets the order as it is now, once, then the next live change', async () => {
    const order = await placeOrder();
    const first = connect(token('buyer'));
    const before = await live(first, ORDER_UPDATED, { id: order.id });
    await move(order.id, 'CONFIRMED');
    await until(() => before.results.length === 1, 'the first update');
    const seen = lastEventId(before.results[0]!);
    await first.client.dispose();
    await until(() => stats().listeners === 0, 'the server to drop the first client');

    await move(order.id, 'PACKED');
    await move(order.id, 'SHIPPED');
    const resumed = subscribe(connect(token('buyer')), ORDER_UPDATED, { id: order.id, after: seen });
    await until(() => resumed.results.length === 1, 'the replay');
    expect(resumed.statuses()).toEqual(['SHIPPED']);
    expect(resumed.results[0]!.data!.orderUpdated.events.map((e: { status: string }) => e.status)).toEqual([
      'CREATED', 'CONFIRMED', 'PACKED', 'SHIPPED',
    ]);
    await move(order.id, 'OUT_FOR_DELIVERY');
    await until(() => resumed.results.length === 2, 'the live update');
    await move(order.id, 'DELIVERED');
    await until(() => resumed.results.length === 3, 'the next live update');
    expect(resumed.statuses()).toEqual(['SHIPPED', 'OUT_FOR_DELIVERY', 'DELIVERED']);
  });

  it('myOrderUpdates replays each order that changed since, as it is now, in the order of its latest change', async () => {
    const a = await placeOrder();
    const b = await placeOrder();
    const c = await placeOrder('buyer2'); // not the buyer's, though the seller's
    await move(a.id, 'CONFIRMED');
    await move(c.id, 'CONFIRMED');
    await move(b.id, 'CONFIRMED');
    await move(a.id, 'PACKED');

    const buyer = subscribe(connect(token('buyer')), MY_UPDATES, { after: b.eventId });
    const seller = subscribe(connect(token('seller')), MY_UPDATES, { after: b.eventId });
    await until(() => buyer.results.length === 2 && seller.results.length === 3, 'the replays');
    const replayed = (s: Subscription) => s.results.map((r) => [r.data!.myOrderUpdates.id, r.data!.myOrderUpdates.status]);
    expect(replayed(buyer)).toEqual([[b.id, 'CONFIRMED'], [a.id, 'PACKED']]);
    expect(replayed(seller)).toEqual([[c.id, 'CONFIRMED'], [b.id, 'CONFIRMED'], [a.id, 'PACKED']]);

    await move(b.id, 'PACKED');
    await until(() => buyer.results.length === 3 && seller.results.length === 4, 'the live update');
    expect(replayed(buyer).at(-1)).toEqual([b.id, 'PACKED']);
    expect(replayed(seller).at(-1)).toEqual([b.id, 'PACKED']);
  });

  it('a change that commits between registering and reading the replay is delivered once', async () => {
    const order = await placeOrder();
    await move(order.id, 'CONFIRMED');
    const confirmed = (await server.gql(`{ order(id: "${order.id}") { events { id } } }`, {}, auth.buyer)).body.data!.order.events[1].id;
    const { deps, subscriptions } = server.app;
    const ctx = createContext(deps, { id: 1, role: 'BUYER' }, { ip: '127.0.0.1', requestId: 'seam' });
    const source = await orderUpdates(ctx, order.id, confirmed);
    // The subscriber is registered, then PACKED commits and the feed hands it on (into the subscriber's queue)
    // before the replay is read, which then finds PACKED too.
    const racing = new OrderFeedSource(source.route, source.viewer, source.sellerId, async () => {
      await move(order.id, 'PACKED');
      await subscriptions.pull();
      return source.replay!();
    });
    await subscriptions.activate();
    const sent: any[] = [];
    const outlet = { send: (head: Buffer, tail: Buffer) => void sent.push(JSON.parse(Buffer.concat([head, tail]).toString())) };
    const document = parse(ORDER_UPDATED);
    const admitted = { query: ORDER_UPDATED, document, operation: getOperationAST(document)!, operationName: undefined,
      variableValues: { id: order.id, after: confirmed } };
    const { member, ready } = subscriptions.hub.add(admitted, racing, Buffer.from('{"id":"1","type":"next","payload":'), outlet);
    await ready;
    await move(order.id, 'SHIPPED');
    await subscriptions.pull();
    expect(sent.map((m) => m.payload.data.orderUpdated.status)).toEqual(['PACKED', 'SHIPPED']); // the live PACKED was skipped
    expect(sent[0]).toMatchObject({ id: '1', type: 'next' });
    subscriptions.hub.remove(member);
    expect(stats().listeners).toBe(0);
  });

  it('resumes without a gap or a duplicate while the orders keep changing', async () => {
    const orders = await Promise.all([1, 2, 3, 4, 5].map(() => placeOrder()));
    const after = orders.at(-1)!.eventId;
    const moves = Promise.all(
      orders.map(async (o) => {
        for (const status of ['CONFIRMED', 'PACKED', 'SHIPPED']) await move(o.id, status);
      }),
    );
    const sub = subscribe(connect(token('seller')), MY_UPDATES, { after });
    await moves;
    const delivered = () => sub.results.map((r) => r.data!.myOrderUpdates as { id: string; status: string; events: { id: string }[] });
    await until(() => orders.every((o) => delivered().some((d) => d.id === o.id && d.status === 'SHIPPED')), 'every order SHIPPED');
    for (const o of orders) {
      const seen = delivered().filter((d) => d.id === o.id).map((d) => Number(d.events.at(-1)!.id.slice(4)));
      expect(seen).toEqual([...new Set(seen)].sort((a, b) => a - b)); // in order, once each
    }
  });

  it('resuming with an order that did not change since replays nothing', async () => {
    const order = await placeOrder();
    const sub = await live(connect(token('buyer')), ORDER_UPDATED, { id: order.id, after: order.eventId });
    await move(order.id, 'CONFIRMED');
    await until(() => sub.results.length === 1, 'the live update');
    expect(sub.statuses()).toEqual(['CONFIRMED']);
  });

  it('an expired token closes the socket with 4403; the client resumes with a fresh token and loses nothing', async () => {
    const order = await placeOrder();
    const conn = connect(token('buyer'));
    const before = await live(conn, ORDER_UPDATED, { id: order.id });
    await move(order.id, 'CONFIRMED');
    await until(() => before.results.length === 1, 'the first update');
    const seen = lastEventId(before.results[0]!);

    offset += 16 * 60_000; // past the 15-minute access token, on the server's clock
    renew('buyer');
    renew('seller');
    await move(order.id, 'PACKED');
    await until(() => conn.closes.length > 0, 'the close');
    expect(conn.closes).toEqual([4403]);
    expect(before.statuses()).toEqual(['CONFIRMED']); // PACKED was not delivered on the expired token

    const resumed = subscribe(connect(token('buyer')), ORDER_UPDATED, { id: order.id, after: seen });
    await until(() => resumed.results.length === 1, 'the replay');
    await move(order.id, 'SHIPPED');
    await until(() => resumed.results.length === 2, 'the live update');
    expect(resumed.statuses()).toEqual(['PACKED', 'SHIPPED']);
  });
});

describe('the WebSocket endpoint', () => {
  it('serves only subscriptions: a query over WebSocket is refused before it runs', async () => {
    const sub = subscribe(connect(token('buyer')), '{ viewer { id } }');
    await until(() => sub.error !== undefined, 'the refusal');
    expect(sub.code()).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('applies the query guard: too deep is QUERY_TOO_COMPLEX; a syntax error is GRAPHQL_PARSE_FAILED', async () => {
    const conn = connect(token('buyer'));
    const nest = (n: number): string => (n === 0 ? 'id' : `buyer { orders(first: 1) { nodes { ${nest(n - 1)} } } }`);
    const deep = subscribe(conn, `subscription { myOrderUpdates { ${nest(4)} } }`); // 14 levels
    const broken = subscribe(conn, 'subscription { myOrderUpdates { id }');
    await until(() => deep.error !== undefined && broken.error !== undefined, 'the refusals');
    expect([deep.code(), broken.code()]).toEqual(['QUERY_TOO_COMPLEX', 'GRAPHQL_PARSE_FAILED']);
    expect((deep.error as any)[0].extensions).toMatchObject({ limit: 'depth', max: 12 });
    expect(conn.closes).not.toContain(4403);
  });

  it('subscription starts spend from the caller’s rate-limit bucket', async () => {
    const small = await startServer({ JWT_SECRET: SECRET, MAX_QUERY_COST: '3', RATE_LIMIT_MAX: '3', RATE_LIMIT_RESTORE: '1', WS_CONNECTION_COST: '0' }, { clock });
    const conn = connect(token('buyer'), small); // the same secret and clock: the token is good there too
    // Each start costs its selection's requested cost, 1 point here: the fourth finds the bucket empty.
    const subs = [0, 1, 2, 3].map(() => subscribe(conn, 'subscription { myOrderUpdates { id status } }'));
    await until(() => subs.some((s) => s.error !== undefined), 'a refusal');
    expect(subs.map((s) => s.code()).filter(Boolean)).toContain('RATE_LIMITED');
    expect((subs.find((s) => s.error)!.error as any)[0].extensions.retryAfterMs).toBeGreaterThan(0);
    await conn.client.dispose();
    await until(() => stats(small).sockets === 0 && stats(small).listeners === 0, 'the small server to free it');
  });
});

describe('keep-alive, shutdown and leaks', () => {
  it('pings every keepAliveMs and terminates a peer that stops answering, freeing what it held', async () => {
    const http = createServer();
    const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
    const subs = attachSubscriptions(http, schema, server.app.deps, {
      limits: queryLimits(server.app.deps.config),
      formatError: (f) => f,
      production: false,
      keepAliveMs: 250, // long enough for the silent peer to subscribe before it misses a pong, even on a loaded machine
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    try {
      await keepAlive(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`, subs);
    } finally {
      await subs.dispose();
      await new Promise((r) => http.close(r));
    }
  });

  async function keepAlive(url: string, subs: ReturnType<typeof attachSubscriptions>) {
    const open = (autoPong: boolean) => new WebSocket(url, 'graphql-transport-ws', { autoPong });

    const healthy = open(true);
    let pings = 0;
    healthy.on('ping', () => pings++);
    await until(() => pings >= 3, 'three pings');
    expect(healthy.readyState).toBe(WebSocket.OPEN);
    healthy.close();

    const silent = open(false);
    const closed = new Promise<number>((r) => silent.once('close', r));
    await new Promise((r) => silent.once('open', r));
    const acked = new Promise((r) => silent.once('message', r));
    silent.send(JSON.stringify({ type: 'connection_init', payload: { authorization: auth.buyer!.authorization } }));
    await acked;
    silent.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: MY_UPDATES } }));
    await until(() => subs.stats().listeners === 1, 'the subscription');
    expect(await closed).toBe(1006); // terminated, no close frame
    await until(() => subs.stats().sockets === 0, 'the server to drop it');
    expect(subs.stats()).toMatchObject({ sockets: 0, connections: 0, subscriptions: 0, listeners: 0, expiryTimers: 0 });
  }

  it('shutting down closes every socket with 1001 (going away) and frees what it held', async () => {
    const doomed = await startServer({ JWT_SECRET: SECRET }, { clock });
    const conn = connect(token('buyer'), doomed);
    const sub = subscribe(conn, MY_UPDATES);
    await until(() => stats(doomed).listeners === 1, 'the subscription');
    await doomed.close();
    await until(() => conn.closes.length > 0, 'the close');
    expect(conn.closes).toEqual([1001]);
    expect(sub.results).toEqual([]);
    expect(stats(doomed)).toMatchObject({ sockets: 0, connections: 0, subscriptions: 0, listeners: 0, expiryTimers: 0 });
  });

  it('after 1,000 connect/subscribe/disconnect cycles the server holds no socket, subscription, listener or timer', async () => {
    const leak = await startServer({ JWT_SECRET: SECRET, RATE_LIMIT_MAX: '1000000' }, { clock });
    await leak.sql.run('update products set stock = 10 where id = ?', Number(productId.slice(4)));
    const order = await placeOrder('buyer', leak);
    await move(order.id, 'CONFIRMED', 'seller', leak);
    const bearer = token('buyer');
    const BATCH = 25;
    for (let round = 0; round < 1_000 / BATCH; round++) {
      const batch = Array.from({ length: BATCH }, (_, i) => {
        const conn = connect(bearer, leak);
        // Half resume (a replay proves the subscription ran), half only listen (left waiting in next()).
        const sub = i % 2 ? subscribe(conn, ORDER_UPDATED, { id: order.id, after: order.eventId }) : subscribe(conn, MY_UPDATES);
        return { conn, sub, i };
      });
      await until(() => stats(leak).listeners === BATCH, `round ${round}: every subscription listening`);
      expect(stats(leak)).toMatchObject({ sockets: BATCH, connections: BATCH, subscriptions: BATCH, expiryTimers: BATCH });
      for (const { conn, sub, i } of batch) {
        if (i % 3 === 0) conn.socket!.terminate(); // dropped without a word
        else if (i % 3 === 1) sub.stop(); // complete, then the lazy client closes the socket
        else void conn.client.dispose();
      }
      await until(() => stats(leak).sockets === 0 && stats(leak).listeners === 0, `round ${round}: everything freed`);
      await Promise.all(clients.splice(0).map((c) => c.dispose()));
    }
    expect(stats(leak)).toMatchObject({ sockets: 0, connections: 0, subscriptions: 0, listeners: 0, expiryTimers: 0 });
  }, 180_000);
});
