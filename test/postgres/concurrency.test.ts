/**
 * The contract's concurrency rules on PostgreSQL, where transactions really run in parallel (a pool of
 * connections, READ COMMITTED): no oversold stock and no deadlock when multi-line orders race with their lines in
 * random order; one order per idempotency key however many retries arrive at once; order event ids that grow in
 * commit order, so a subscriber resuming after any id it has seen misses nothing.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Engine } from '../../src/db/index.js';
import { sqlOn } from '../helpers/db.js';
import { codesOf, dataOf, startServer, type TestServer } from '../helpers/server.js';

const SECRET = 'c'.repeat(40);
let server: TestServer;
/** A second engine on the same database: what another instance (or a subscriber's resume query) sees. */
let observer: Engine;
let buyers: number[];

beforeAll(async () => {
  server = await startServer({ JWT_SECRET: SECRET });
  observer = await openDatabase(server.databaseUrl);
  buyers = await server.sql.column<number>(`SELECT id FROM users WHERE role = 'BUYER' ORDER BY id LIMIT 150`);
  expect(buyers).toHaveLength(150);
  return () => observer.close();
});

// Tokens signed with the server's secret stand for 150 signed-in buyers (logIn would hash 150 passwords).
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
function bearer(userId: number, role = 'BUYER'): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: `usr_${userId}`, role, iat: now, exp: now + 600 })}`;
  return { authorization: `Bearer ${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}` };
}

const PLACE = `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id events { id } items { product { id } quantity } } }`;
const MOVE = `mutation($id: ID!, $s: OrderStatus!) { updateOrderStatus(id: $id, status: $s) { id status } }`;

function shuffle<T>(list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

/** Products of seller 1 (run by seller@example.com), with the given stock each. */
async function stocked(count: number, stock: number, offset: number): Promise<number[]> {
  const ids = await server.sql.column<number>('SELECT id FROM products WHERE seller_id = 1 ORDER BY id LIMIT ? OFFSET ?', count, offset);
  for (const id of ids) await server.sql.run('UPDATE products SET stock = ? WHERE id = ?', stock, id);
  return ids;
}

describe('150 buyers, 40 units, multi-line orders with lines in random order', () => {
  it('sells exactly 40, all-or-nothing, with no deadlock and no internal error', { timeout: 120_000 }, async () => {
    const [scarce, ...plenty] = await stocked(5, 1000, 0);
    await server.sql.run('UPDATE products SET stock = 40 WHERE id = ?', scarce!);
    const before = new Map(
      (await server.sql.rows<{ id: number; stock: number }>('SELECT id, stock FROM products WHERE id = ANY(?::int8[])', [scarce!, ...plenty]))
        .map((r) => [r.id, r.stock]),
    );
    const lines = buyers.map(() =>
      shuffle([
        { productId: `prd_${scarce}`, quantity: 1 },
        ...shuffle([...plenty]).slice(0, 1 + Math.floor(Math.random() * plenty.length)).map((id) => ({
          productId: `prd_${id}`,
          quantity: 1 + Math.floor(Math.random() * 3),
        })),
      ]),
    );
    const results = await Promise.all(
      buyers.map((buyer, i) => server.gql(PLACE, { i: { items: lines[i], idempotencyKey: randomUUID() } }, bearer(buyer))),
    );

    const codes = results.map((r) => codesOf(r)[0] ?? 'OK');
    const tally: Record<string, number> = {};
    for (const c of codes) tally[c] = (tally[c] ?? 0) + 1;
    expect(tally).toEqual({ OK: 40, OUT_OF_STOCK: 110 });
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(await server.sql.value('SELECT stock FROM products WHERE id = ?', scarce!)).toBe(0);

    // Each other product lost exactly what the successful orders took of it, and nothing for the refused ones.
    const taken = new Map<number, number>();
    results.forEach((r, i) => {
      if (codes[i] !== 'OK') return;
      for (const l of lines[i]!) taken.set(Number(l.productId.slice(4)), (taken.get(Number(l.productId.slice(4))) ?? 0) + l.quantity);
    });
    for (const id of plenty) {
      expect(await server.sql.value('SELECT stock FROM products WHERE id = ?', id)).toBe(before.get(id)! - (taken.get(id) ?? 0));
      expect(Number(await server.sql.value('SELECT coalesce(sum(quantity), 0) FROM order_items WHERE product_id = ?', id))).toBe(
        taken.get(id) ?? 0,
      );
    }
    expect(Number(await server.sql.value('SELECT sum(quantity) FROM order_items WHERE product_id = ?', scarce!))).toBe(40);
  });
});

describe('one idempotency key sent 8 times at once', () => {
  it('makes one order, takes stock once, and all 8 answers are that order', { timeout: 60_000 }, async () => {
    const [a, b] = await stocked(2, 100, 10);
    const input = { items: [{ productId: `prd_${b}`, quantity: 2 }, { productId: `prd_${a}`, quantity: 1 }], idempotencyKey: randomUUID() };
    const results = await Promise.all(Array.from({ length: 8 }, () => server.gql(PLACE, { i: input }, bearer(buyers[0]!))));
    const ids = results.map((r) => dataOf(r).placeOrder.id);
    expect(new Set(ids).size).toBe(1);
    expect(await server.sql.value('SELECT count(*) FROM orders WHERE idempotency_key = ?', input.idempotencyKey)).toBe(1);
    expect(await server.sql.value('SELECT stock FROM products WHERE id = ?', a!)).toBe(99);
    expect(await server.sql.value('SELECT stock FROM products WHERE id = ?', b!)).toBe(98);
    // Every answer is the whole order, the same one.
    for (const r of results) expect(dataOf(r).placeOrder).toEqual(dataOf(results[0]!).placeOrder);
  });
});

describe('order event ids grow in commit order', () => {
  it('a reader resuming after any event id it saw during concurrent writes misses nothing', { timeout: 120_000 }, async () => {
    const products = await stocked(6, 10_000, 20);
    const seller = bearer(3, 'SELLER'); // seller@example.com runs seller 1
    const base = Number(await server.sql.value('SELECT coalesce(max(id), 0) FROM order_events'));
    const events = sqlOn(observer);

    // Snapshots of the committed events, taken from another connection pool while writes run: what a subscriber
    // that resumes with `afterEventId` would be sent is every event after the id it last saw.
    const snapshots: number[][] = [];
    let writing = true;
    const watch = (async () => {
      while (writing) {
        snapshots.push(await events.column<number>('SELECT id FROM order_events WHERE id > ? ORDER BY id', base));
        await new Promise((r) => setImmediate(r));
      }
    })();

    // Writers: orders with several lines, then status moves on them, all interleaved.
    await Promise.all(
      buyers.slice(0, 60).map(async (buyer) => {
        const items = shuffle([...products]).slice(0, 3).map((id) => ({ productId: `prd_${id}`, quantity: 1 }));
        const res = await server.gql(PLACE, { i: { items, idempotencyKey: randomUUID() } }, bearer(buyer));
        const id = dataOf(res).placeOrder.id;
        for (const s of ['CONFIRMED', 'PACKED']) expect(codesOf(await server.gql(MOVE, { id, s }, seller))).toEqual([]);
      }),
    );
    writing = false;
    await watch;

    const all = await events.column<number>('SELECT id FROM order_events WHERE id > ? ORDER BY id', base);
    expect(all).toHaveLength(180);
    expect(snapshots.length).toBeGreaterThan(5);
    // Whatever a reader saw, it saw a prefix of the final sequence: had a smaller id committed after a larger one
    // was visible, a client resuming after the larger one would never receive it.
    for (const seen of snapshots) expect(seen).toEqual(all.slice(0, seen.length));
  });
});
