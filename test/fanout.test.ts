/**
 * Fan-out of order changes to many subscribers (issue 15, issue 11 item 5), counted rather than timed: each change
 * is read once, executed once per group (operation text, payload variables, viewer) and serialized once, whatever
 * the number of subscribers; authorization still holds per subscriber; a socket that stops reading is cut off
 * without holding up the others; a lost notification is covered by the feed's poll. Authorization is decided once
 * per scope (subscribers sharing the group, the route and the seller) and still holds for each subscriber.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { getOperationAST, parse } from 'graphql';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { decodeId } from '../src/ids.js';
import { OrderFeedSource } from '../src/services/orderUpdates.js';
import { textFrame } from '../src/subscriptions/frame.js';
import { signInAll, type Demo } from './helpers/accounts.js';
import { dataOf, startServer, type TestServer } from './helpers/server.js';
import { rawClient, until, type RawClient } from './helpers/ws.js';

/** One secret for every server here, so a token signed on one is good on the others. */
const JWT_SECRET = 'f'.repeat(40);
let server: TestServer;
let auth: Record<Demo, Record<string, string>>;
let productId: string;
const opened: RawClient[] = [];

beforeAll(async () => {
  // No poll: every read below is caused by a notification, so statement counts are exact.
  server = await startServer({ JWT_SECRET, SUBSCRIPTION_POLL_MS: '3600000' });
  auth = await signInAll(server);
  productId = await stockedProduct(server);
});

afterEach(async () => {
  for (const c of opened.splice(0)) c.socket.terminate();
  await until(() => server.app.subscriptions.stats().sockets === 0, 'every socket freed');
});

async function stockedProduct(target: TestServer): Promise<string> {
  const id = await target.sql.value('select id from products where seller_id = 1 order by id limit 1');
  await target.sql.run('update products set stock = 100000 where id = ?', id);
  return `prd_${id}`;
}

const wsUrl = (target: TestServer) => `${target.url.replace(/^http/, 'ws')}/graphql`;

async function connect(who: Demo, target = server): Promise<RawClient> {
  const client = rawClient(wsUrl(target), { authorization: auth[who].authorization });
  opened.push(client);
  await client.acked;
  return client;
}

async function placeOrder(target = server): Promise<string> {
  const res = await target.gql(
    'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
    { i: { items: [{ productId, quantity: 1 }], idempotencyKey: randomUUID() } },
    auth.buyer,
  );
  return dataOf<any>(res).placeOrder.id;
}

async function move(orderId: string, status: string, target = server, note?: string) {
  const res = await target.gql(
    'mutation($id: ID!, $s: OrderStatus!, $n: String) { updateOrderStatus(id: $id, status: $s, note: $n) { status } }',
    { id: orderId, s: status, n: note },
    auth.seller,
  );
  expect(dataOf<any>(res).updateOrderStatus.status).toBe(status);
}

const SELLER_VIEW = `subscription { myOrderUpdates { id status updatedAt events { id status at } items { quantity product { title } } } }`;
const nextCount = (clients: RawClient[]) => clients.reduce((n, c) => n + c.messages.filter((m) => m.type === 'next').length, 0);

describe('one change costs the same whatever the number of subscribers', () => {
  /** Statements and executions for one status change delivered to `n` subscribers (`perSocket` on each socket). */
  async function costOfOneChange(n: number, perSocket: number) {
    const clients = await Promise.all(Array.from({ length: n / perSocket }, () => connect('seller')));
    clients.forEach((c) => Array.from({ length: perSocket }, (_, i) => c.subscribe(`s${i}`, SELLER_VIEW)));
    await until(() => server.app.subscriptions.stats().listeners === n, `${n} subscriptions`);
    const order = await placeOrder();
    await until(() => nextCount(clients) === n, 'the placing delivered');
    const before = { ...server.app.subscriptions.stats(), sql: server.database.stats.statements };
    await move(order, 'CONFIRMED');
    await until(() => nextCount(clients) === 2 * n, 'the change delivered');
    const after = { ...server.app.subscriptions.stats(), sql: server.database.stats.statements };
    for (const c of clients) c.socket.terminate();
    await until(() => server.app.subscriptions.stats().sockets === 0, 'sockets freed');
    const payloads = clients.flatMap((c) => c.messages.filter((m) => m.type === 'next').map((m) => JSON.stringify(m.payload)));
    return {
      statements: after.sql - before.sql,
      executions: after.executions - before.executions,
      deliveries: after.deliveries - before.deliveries,
      groups: before.groups,
      distinctPayloads: new Set(payloads).size,
    };
  }

  it('1 and 60 subscribers on one operation: the same statements, one execution, one payload per change', async () => {
    const one = await costOfOneChange(1, 1);
    const many = await costOfOneChange(60, 1);
    expect(one).toMatchObject({ executions: 1, deliveries: 1, groups: 1 });
    expect(many).toMatchObject({ executions: 1, deliveries: 60, groups: 1, distinctPayloads: 2 });
    expect(many.statements).toBe(one.statements);
  });

  it('duplicate subscriptions on one socket cost one execution per change (issue 11, item 5)', async () => {
    const dup = await costOfOneChange(40, 40);
    expect(dup).toMatchObject({ executions: 1, deliveries: 40, groups: 1 });
  });

  it('subscribers resuming from different events still share one execution', async () => {
    const order = await placeOrder();
    const clients = await Promise.all([0, 1, 2].map(() => connect('buyer')));
    const q = 'subscription($id: ID!, $after: ID) { orderUpdated(orderId: $id, afterEventId: $after) { id status } }';
    clients.forEach((c, i) => c.subscribe('1', q, { id: order, after: i === 0 ? undefined : `evt_${i}` }));
    await until(() => server.app.subscriptions.stats().listeners === 3, 'three subscriptions');
    await until(() => nextCount(clients) === 2, 'the two replays');
    const before = server.app.subscriptions.stats().executions;
    await move(order, 'CONFIRMED');
    await until(() => nextCount(clients) === 5, 'the change delivered to all three');
    expect(server.app.subscriptions.stats().executions - before).toBe(1);
    expect(clients.map((c) => c.nexts('1').at(-1).data.orderUpdated.status)).toEqual(['CONFIRMED', 'CONFIRMED', 'CONFIRMED']);
  });
});

describe('authorization holds per subscriber when the operation text is shared', () => {
  it('a subscriber who may not see the order gets nothing; each viewer gets its own execution', async () => {
    const q = 'subscription { myOrderUpdates { id status buyer { id email } } }';
    const [buyer, buyer2, seller] = (await Promise.all((['buyer', 'buyer2', 'seller'] as Demo[]).map((w) => connect(w)))) as [RawClient, RawClient, RawClient];
    for (const c of [buyer, buyer2, seller]) c.subscribe('same', q);
    await until(() => server.app.subscriptions.stats().listeners === 3, 'three subscriptions');
    const order = await placeOrder();
    await move(order, 'CONFIRMED');
    await until(() => buyer.nexts('same').length === 2 && seller.nexts('same').length === 2, 'the buyer and the seller');
    await server.app.subscriptions.pull();
    expect(buyer2.messages.filter((m) => m.type === 'next')).toEqual([]);
    expect(buyer.nexts('same')[0].data.myOrderUpdates.buyer.email).toBe('buyer@example.com');
    expect(seller.nexts('same')[0].data.myOrderUpdates.buyer).toEqual({ id: 'usr_1', email: null }); // not the buyer's view
    expect(server.app.subscriptions.stats().groups).toBe(3);
  });
});

describe('back-pressure and lost notifications', () => {
  it('a client that stops reading is cut off (1013); the others get each change before the next is made, in order', async () => {
    const small = await startServer({ JWT_SECRET, WS_MAX_BUFFERED_BYTES: '1024', MAX_QUERY_COST: '1000000', SUBSCRIPTION_POLL_MS: '3600000' });
    const local = await stockedProduct(small);
    const [stalled, healthy] = await Promise.all(['seller', 'seller'].map(() => {
      const c = rawClient(wsUrl(small), { authorization: auth.seller.authorization });
      opened.push(c);
      return c.acked.then(() => c);
    }));
    // ~25 KB per change for the stalled one (50 aliases of every note so far), a few hundred bytes for the other.
    const heavy = `subscription { myOrderUpdates { id ${Array.from({ length: 50 }, (_, i) => `n${i}: events { note }`).join(' ')} } }`;
    stalled!.subscribe('heavy', heavy);
    healthy!.subscribe('light', 'subscription { myOrderUpdates { id status events { id } } }');
    await until(() => small.app.subscriptions.stats().listeners === 2, 'both subscriptions');
    stalled!.socket.pause(); // stops reading: the kernel's buffers fill, then ws's own queue grows
    const note = 'n'.repeat(500);
    let changes = 0;
    for (let i = 0; i < 25 && small.app.subscriptions.stats().cutOff === 0; i++) {
      const res = await small.gql(
        'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
        { i: { items: [{ productId: local, quantity: 1 }], idempotencyKey: randomUUID() } },
        auth.buyer,
      );
      const order = dataOf<any>(res).placeOrder.id;
      changes++;
      for (const status of ['CONFIRMED', 'PACKED', 'SHIPPED', 'OUT_FOR_DELIVERY', 'DELIVERED']) {
        await move(order, status, small, note);
        changes++;
        // The healthy client has each change before the next is made: nothing it gets waits behind the stalled one.
        await until(() => healthy!.nexts('light').length === changes, `change ${changes} to the healthy client`);
      }
    }
    await until(() => small.app.subscriptions.stats().cutOff === 1, 'the stalled socket cut off', 10_000);
    await until(() => healthy!.nexts('light').length === changes, 'every change to the healthy client', 10_000);
    const ids = healthy!.nexts('light').map((p) => Number(p.data.myOrderUpdates.events.at(-1).id.slice(4)));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(changes);
    await until(() => small.app.subscriptions.stats().sockets === 1, 'the stalled socket freed', 5_000);
    await small.close();
  }, 60_000);

  it('a change whose notification is lost is still delivered by the poll', async () => {
    const polling = await startServer({ JWT_SECRET, SUBSCRIPTION_POLL_MS: '100' });
    await stockedProduct(polling);
    polling.app.deps.pubsub.notify = async () => {}; // every notification lost
    const client = rawClient(wsUrl(polling), { authorization: auth.buyer.authorization });
    opened.push(client);
    await client.acked;
    client.subscribe('1', 'subscription { myOrderUpdates { id status } }');
    await until(() => polling.app.subscriptions.stats().listeners === 1, 'the subscription');
    const order = await placeOrder(polling);
    await move(order, 'CONFIRMED', polling);
    await until(() => client.nexts('1').length === 2, 'both changes, from the poll', 3_000);
    expect(client.nexts('1').map((p) => p.data.myOrderUpdates.status)).toEqual(['CREATED', 'CONFIRMED']);
    client.socket.terminate();
    await until(() => polling.app.subscriptions.stats().sockets === 0, 'freed');
    await polling.close();
  });
});

describe('the frames written to each socket', () => {
  it('arrive at a ws client as whole text messages, with 2-, 4- and 10-byte headers, between ws frames', async () => {
    const head = Buffer.from('{"id":"1","type":"next","payload":');
    const sizes = [40, 1_000, 70_000];
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    const http = createServer().on('upgrade', (req, tcp, rest) => wss.handleUpgrade(req, tcp, rest, (ws) => {
      // As connection.ts does: ws's own frames and ours on the same TCP socket, each whole.
      ws.send('{"type":"connection_ack"}');
      for (const size of sizes) tcp.write(textFrame(head, Buffer.from(`${'x'.repeat(size - head.length - 1)}}`)));
      ws.send('{"type":"pong"}');
    }));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
    const messages: string[] = [];
    client.on('message', (data: Buffer, isBinary: boolean) => messages.push(`${isBinary ? 'binary' : 'text'}:${data.length}:${data.toString().slice(0, 12)}`));
    try {
      await until(() => messages.length === 5, 'five messages');
      expect(messages).toEqual([
        'text:25:{"type":"con',
        ...sizes.map((size) => `text:${size}:{"id":"1","t`),
        'text:15:{"type":"pon',
      ]);
    } finally {
      client.terminate();
      wss.close();
      await new Promise((resolve) => http.close(resolve));
    }
  });
});

describe('authorization is decided once per scope and still holds for every subscriber', () => {
  it('60 subscribers of one order share one check and one execution per change; one who may not see it gets nothing though it shares the text and the order', async () => {
    const [order, other] = [await placeOrder(), await placeOrder()];
    const q = 'subscription($id: ID!) { orderUpdated(orderId: $id) { id status } }';
    const clients = await Promise.all(Array.from({ length: 6 }, () => connect('buyer')));
    clients.forEach((c) => Array.from({ length: 10 }, (_, i) => c.subscribe(`s${i}`, q, { id: order })));
    // The same text and viewer on another order: the same group (one execution), another scope.
    const elsewhere = await connect('buyer');
    elsewhere.subscribe('other', q, { id: other });
    await until(() => server.app.subscriptions.stats().listeners === 61, '61 subscriptions');
    // Another buyer is refused at the start (FORBIDDEN); registered past that check, as the hub would hold a
    // subscriber whose access is gone, it shares the text and the route and must still get nothing.
    const buyer2 = await server.sql.value<number>("select id from users where email = 'buyer2@example.com'");
    const intruder = new OrderFeedSource({ orderId: decodeId('Order', order) }, { id: buyer2, role: 'BUYER' }, null, null);
    const document = parse(q);
    const sent: Buffer[] = [];
    const { member } = server.app.subscriptions.hub.add(
      { query: q, document, operation: getOperationAST(document)!, operationName: undefined, variableValues: { id: order } },
      intruder,
      Buffer.from('{"id":"x","type":"next","payload":'),
      { send: (_head, tail) => void sent.push(tail) },
    );
    const before = server.app.subscriptions.stats();
    await move(order, 'CONFIRMED');
    await until(() => nextCount(clients) === 60, 'the change to the 60');
    await server.app.subscriptions.pull();
    const after = server.app.subscriptions.stats();
    expect(after.checks - before.checks).toBe(2); // the 60's scope and the intruder's, once each
    expect(after.executions - before.executions).toBe(1);
    expect(after.deliveries - before.deliveries).toBe(60);
    expect(sent).toEqual([]);
    expect(elsewhere.nexts('other')).toEqual([]);
    expect(clients.flatMap((c) => c.messages.filter((m) => m.type === 'next').map((m) => m.payload.data.orderUpdated.status)))
      .toEqual(Array(60).fill('CONFIRMED'));
    server.app.subscriptions.hub.remove(member);
  });
});
