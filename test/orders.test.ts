/** Orders against the contract: stock never oversold, all-or-nothing, idempotent, the status machine, privacy. */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { signInAll, type Demo } from './helpers/accounts.js';
import { codesOf, dataOf, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let auth: Record<Demo, Record<string, string>>;
beforeAll(async () => {
  server = await startServer();
  auth = await signInAll(server);
});

const PLACE = `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) {
  id status total { amount } items { quantity unitPrice { amount } lineTotal { amount } product { id } }
  events { id status } buyer { id } } }`;
const MOVE = `mutation($id: ID!, $s: OrderStatus!, $n: String) { updateOrderStatus(id: $id, status: $s, note: $n) { id status events { status note } } }`;
const CANCEL = `mutation($id: ID!) { cancelOrder(id: $id) { id status } }`;

const stockOf = (id: number) => server.sql.value<number>('select stock from products where id = ?', id);
const setStock = (id: number, n: number) => server.sql.run('update products set stock = ? where id = ?', n, id);
/** A product of seller 1 (run by seller@example.com). */
const sellerProduct = async (offset = 0) =>
  (await server.sql.row('select id, price_paise from products where seller_id = 1 order by id limit 1 offset ?', offset)) as { id: number; price_paise: number };
const otherSellerProduct = () => server.sql.value<number>('select id from products where seller_id <> 1 order by id limit 1');

function place(who: Demo, items: { productId: string; quantity: number }[], key: string = randomUUID()) {
  return server.gql(PLACE, { i: { items, idempotencyKey: key } }, auth[who]);
}

describe('placeOrder takes stock atomically: never oversold, whatever the concurrency', () => {
  it('60 parallel buyers racing for 25 units get exactly 25, the rest OUT_OF_STOCK', async () => {
    const { id } = await sellerProduct(0);
    await setStock(id, 25);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => place(i % 2 ? 'buyer' : 'buyer2', [{ productId: `prd_${id}`, quantity: 1 }])),
    );
    const codes = results.map((r) => codesOf(r)[0] ?? 'OK');
    expect(codes.filter((c) => c === 'OK')).toHaveLength(25);
    expect(codes.filter((c) => c === 'OUT_OF_STOCK')).toHaveLength(35);
    expect(await stockOf(id)).toBe(0);
    const sold = (await server.sql.value('select sum(quantity) from order_items where product_id = ?', id));
    expect(sold).toBe(25);
  });

  it('is all-or-nothing: one line short of stock takes nothing from the others', async () => {
    const a = (await sellerProduct(1)).id;
    const b = (await sellerProduct(2)).id;
    await setStock(a, 5);
    await setStock(b, 1);
    const orders = (await server.sql.value('select count(*) from orders'));
    const res = await place('buyer', [{ productId: `prd_${a}`, quantity: 3 }, { productId: `prd_${b}`, quantity: 2 }]);
    expect(codesOf(res)).toEqual(['OUT_OF_STOCK']);
    expect(res.body.errors![0]!.message).toContain(`prd_${b}`);
    expect(res.body.errors![0]!.extensions).toMatchObject({ productId: `prd_${b}`, available: 1 });
    expect([await stockOf(a), await stockOf(b)]).toEqual([5, 1]);
    expect((await server.sql.value('select count(*) from orders'))).toBe(orders);
  });

  it('captures prices and totals at order time, starting CREATED with one event', async () => {
    const { id, price_paise } = await sellerProduct(3);
    await setStock(id, 10);
    const order = dataOf(await place('buyer', [{ productId: `prd_${id}`, quantity: 3 }])).placeOrder;
    expect(order).toMatchObject({
      status: 'CREATED',
      total: { amount: price_paise * 3 },
      items: [{ quantity: 3, unitPrice: { amount: price_paise }, lineTotal: { amount: price_paise * 3 }, product: { id: `prd_${id}` } }],
      events: [{ status: 'CREATED' }],
      buyer: { id: 'usr_1' },
    });
    await server.sql.run('update products set price_paise = price_paise + 100 where id = ?', id);
    const again = dataOf(await server.gql(`query($id: ID!) { order(id: $id) { total { amount } } }`, { id: order.id }, auth.buyer));
    expect(again.order.total.amount).toBe(price_paise * 3);
  });

  it('rejects bad input without writing anything', async () => {
    const p = `prd_${(await sellerProduct(4)).id}`;
    const cases: [unknown[], string][] = [
      [[], 'BAD_USER_INPUT'],
      [[{ productId: p, quantity: 0 }], 'BAD_USER_INPUT'],
      [[{ productId: p, quantity: 11 }], 'BAD_USER_INPUT'],
      [[{ productId: p, quantity: 1 }, { productId: p, quantity: 1 }], 'BAD_USER_INPUT'],
      [[{ productId: 'sel_1', quantity: 1 }], 'BAD_USER_INPUT'],
      [Array.from({ length: 51 }, (_, i) => ({ productId: `prd_${i + 1}`, quantity: 1 })), 'BAD_USER_INPUT'],
      [[{ productId: 'prd_999999', quantity: 1 }], 'NOT_FOUND'],
    ];
    const before = (await server.sql.value('select count(*) from orders'));
    for (const [items, code] of cases) {
      expect(codesOf(await server.gql(PLACE, { i: { items, idempotencyKey: randomUUID() } }, auth.buyer))).toEqual([code]);
    }
    expect(codesOf(await server.gql(PLACE, { i: { items: [{ productId: p, quantity: 1 }], idempotencyKey: '' } }, auth.buyer))).toEqual(['BAD_USER_INPUT']);
    expect((await server.sql.value('select count(*) from orders'))).toBe(before);
  });

  it('anonymous callers are UNAUTHENTICATED', async () => {
    const res = await server.gql(PLACE, { i: { items: [{ productId: 'prd_1', quantity: 1 }], idempotencyKey: 'k' } });
    expect(codesOf(res)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('idempotencyKey', () => {
  it('a retry returns the same order and takes stock once', async () => {
    const { id } = await sellerProduct(5);
    await setStock(id, 10);
    const items = [{ productId: `prd_${id}`, quantity: 2 }];
    const [first, retry] = [dataOf(await place('buyer', items, 'retry-key')), dataOf(await place('buyer', items, 'retry-key'))];
    expect(retry.placeOrder.id).toBe(first.placeOrder.id);
    expect(await stockOf(id)).toBe(8);
  });

  it('the same key with another payload is CONFLICT; another buyer may use the same key', async () => {
    const { id } = await sellerProduct(6);
    await setStock(id, 10);
    await place('buyer', [{ productId: `prd_${id}`, quantity: 1 }], 'shared-key');
    expect(codesOf(await place('buyer', [{ productId: `prd_${id}`, quantity: 2 }], 'shared-key'))).toEqual(['CONFLICT']);
    expect(codesOf(await place('buyer2', [{ productId: `prd_${id}`, quantity: 2 }], 'shared-key'))).toEqual([]);
    expect(await stockOf(id)).toBe(7);
  });
});

describe('the status machine', () => {
  async function newOrder() {
    const { id } = await sellerProduct(7);
    await setStock(id, 10);
    return dataOf(await place('buyer', [{ productId: `prd_${id}`, quantity: 1 }])).placeOrder.id as string;
  }
  const move = (id: string, s: string, who: Demo = 'seller', n?: string) => server.gql(MOVE, { id, s, n }, auth[who]);

  it('moves forward, skipping allowed, recording an event with its note each time', async () => {
    const id = await newOrder();
    expect(codesOf(await move(id, 'CONFIRMED'))).toEqual([]);
    expect(codesOf(await move(id, 'SHIPPED', 'seller', 'Handed to Delhivery'))).toEqual([]);
    const done = dataOf(await move(id, 'DELIVERED', 'admin')).updateOrderStatus;
    expect(done.events).toEqual([
      { status: 'CREATED', note: null },
      { status: 'CONFIRMED', note: null },
      { status: 'SHIPPED', note: 'Handed to Delhivery' },
      { status: 'DELIVERED', note: null },
    ]);
  });

  it('refuses every illegal move with BAD_USER_INPUT and changes nothing', async () => {
    const id = await newOrder();
    await move(id, 'PACKED');
    for (const s of ['CREATED', 'CONFIRMED', 'PACKED']) expect(codesOf(await move(id, s))).toEqual(['BAD_USER_INPUT']);
    await move(id, 'SHIPPED');
    expect(codesOf(await move(id, 'CANCELLED'))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await server.gql(CANCEL, { id }, auth.buyer))).toEqual(['BAD_USER_INPUT']);
    await move(id, 'DELIVERED');
    for (const s of ['OUT_FOR_DELIVERY', 'DELIVERED', 'CANCELLED']) expect(codesOf(await move(id, s))).toEqual(['BAD_USER_INPUT']);
    const cancelled = await newOrder();
    await server.gql(CANCEL, { id: cancelled }, auth.buyer);
    for (const s of ['CONFIRMED', 'DELIVERED']) expect(codesOf(await move(cancelled, s))).toEqual(['BAD_USER_INPUT']);
    const status = (oid: string) => server.sql.value('select status from orders where id = ?', Number(oid.slice(4)));
    expect([await status(id), await status(cancelled)]).toEqual(['DELIVERED', 'CANCELLED']);
  });

  it('only a seller of its items or an admin moves it; the buyer and other sellers are FORBIDDEN', async () => {
    const id = await newOrder();
    expect(codesOf(await move(id, 'CONFIRMED', 'buyer'))).toEqual(['FORBIDDEN']);
    expect(codesOf(await move(id, 'CONFIRMED', 'buyer2'))).toEqual(['FORBIDDEN']);
    expect(codesOf(await server.gql(MOVE, { id, s: 'CONFIRMED' }))).toEqual(['UNAUTHENTICATED']);
    const other = dataOf(await place('buyer', [{ productId: `prd_${await otherSellerProduct()}`, quantity: 1 }])).placeOrder.id;
    expect(codesOf(await move(other, 'CONFIRMED', 'seller'))).toEqual(['FORBIDDEN']);
  });
});

describe('cancelOrder gives the stock back', () => {
  it('the buyer cancels before shipping; the units return; nobody else may cancel', async () => {
    const { id } = await sellerProduct(8);
    await setStock(id, 10);
    const order = dataOf(await place('buyer', [{ productId: `prd_${id}`, quantity: 4 }])).placeOrder.id;
    expect(await stockOf(id)).toBe(6);
    expect(codesOf(await server.gql(CANCEL, { id: order }, auth.buyer2))).toEqual(['FORBIDDEN']);
    expect(dataOf(await server.gql(CANCEL, { id: order }, auth.buyer)).cancelOrder.status).toBe('CANCELLED');
    expect(await stockOf(id)).toBe(10);
    expect(codesOf(await server.gql(CANCEL, { id: order }, auth.buyer))).toEqual(['BAD_USER_INPUT']);
    expect(await stockOf(id)).toBe(10);
  });

  it('a seller cancelling before shipping restocks too', async () => {
    const { id } = await sellerProduct(9);
    await setStock(id, 3);
    const order = dataOf(await place('buyer2', [{ productId: `prd_${id}`, quantity: 3 }])).placeOrder.id;
    await server.gql(MOVE, { id: order, s: 'CONFIRMED' }, auth.seller);
    expect(dataOf(await server.gql(MOVE, { id: order, s: 'CANCELLED', n: 'Damaged in warehouse' }, auth.seller)).updateOrderStatus.status).toBe('CANCELLED');
    expect(await stockOf(id)).toBe(3);
  });
});

describe('orders are private', () => {
  const ORDER = `query($id: ID!) { order(id: $id) { id buyer { id } } }`;
  const USER_ORDERS = `query($id: ID!) { user(id: $id) { orders(first: 50) { totalCount nodes { id } } } }`;

  it('an order: its buyer, its seller and admins see it; other buyers FORBIDDEN; anonymous UNAUTHENTICATED', async () => {
    const { id } = await sellerProduct(10);
    await setStock(id, 5);
    const order = dataOf(await place('buyer', [{ productId: `prd_${id}`, quantity: 1 }])).placeOrder.id;
    for (const who of ['buyer', 'seller', 'admin'] as Demo[]) {
      expect(dataOf(await server.gql(ORDER, { id: order }, auth[who])).order.id).toBe(order);
    }
    expect(codesOf(await server.gql(ORDER, { id: order }, auth.buyer2))).toEqual(['FORBIDDEN']);
    expect(codesOf(await server.gql(ORDER, { id: order }))).toEqual(['UNAUTHENTICATED']);
    expect(codesOf(await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: order }, auth.buyer2))).toEqual(['FORBIDDEN']);
    expect(dataOf(await server.gql(ORDER, { id: 'ord_999999' }, auth.buyer)).order).toBeNull();
  });

  it('User.orders: the user and admins; others FORBIDDEN; anonymous UNAUTHENTICATED', async () => {
    const mine = dataOf(await server.gql(USER_ORDERS, { id: 'usr_1' }, auth.buyer)).user.orders;
    const count = (await server.sql.value('select count(*) from orders where buyer_id = 1'));
    expect(mine.totalCount).toBe(count);
    expect(mine.nodes.length).toBe(Math.min(50, count as number));
    expect(dataOf(await server.gql(USER_ORDERS, { id: 'usr_1' }, auth.admin)).user.orders.totalCount).toBe(count);
    expect(codesOf(await server.gql(USER_ORDERS, { id: 'usr_1' }, auth.buyer2))).toEqual(['FORBIDDEN']);
    expect(codesOf(await server.gql(USER_ORDERS, { id: 'usr_1' }, auth.seller))).toEqual(['FORBIDDEN']);
    expect(codesOf(await server.gql(USER_ORDERS, { id: 'usr_1' }))).toEqual(['UNAUTHENTICATED']);
  });
});
