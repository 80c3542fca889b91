/**
 * A stock-limited flash sale: one product with `stock` units, `buyers` signed-up buyers placing one-unit orders
 * over `connections` connections at once (each request a distinct idempotency key, the buyers taking turns), a
 * quarter more orders sent than there are units. Measures orders placed per second (until the last unit sold) and
 * checks, in the server's own database (SQLite or PostgreSQL), that exactly `stock` units were sold and stock never went below zero.
 */
import { queryValue } from '../../src/db/adhoc.js';
import { openDatabase } from '../../src/db/index.js';
import type { Ceiling } from '../ceiling.js';
import { load, once, type LoadOptions } from '../measure.js';
import type { LoadResult } from '../load.js';
import type { RunningServer } from '../server.js';
import { gql, logIn } from './accounts.js';

export interface FlashSaleResult {
  stock: number;
  buyers: number;
  sent: number;
  /** Orders that came back placed. */
  placed: number;
  ordersPerSecond: number;
  server: LoadResult;
  ceiling: LoadResult;
  ratio: number;
  sqlPerRequest: number;
  /** From the database after the sale. */
  finalStock: number;
  unitsSold: number;
  oversold: number;
  bytes: number;
}

const BUY = `mutation Buy($productId: ID!, $key: String!) {
  placeOrder(input: { items: [{ productId: $productId, quantity: 1 }], idempotencyKey: $key }) { id status total { formatted } }
}`;

export async function flashSale(
  server: RunningServer,
  ceiling: Ceiling,
  productId: string,
  opts: LoadOptions & { stock: number; buyers: number },
): Promise<FlashSaleResult> {
  const admin = await logIn(server.url, 'admin@example.com');
  const tokens = await signUpBuyers(server.url, opts.buyers);
  const body = (key: string) => JSON.stringify({ query: BUY, variables: { productId, key } });
  const headers = { 'content-type': 'application/json' };

  // One order to record the response the ceiling replays; then the sale's stock is set.
  await setStock(server.url, admin, productId, 1);
  const recorded = await once(server.url, { method: 'POST', path: '/graphql', headers: { ...headers, authorization: `Bearer ${tokens[0]}` }, body: body('record') });
  await ceiling.record('/place-order', recorded);
  await setStock(server.url, admin, productId, opts.stock);
  const soldBefore = await unitsSold(server.databaseUrl, productId);

  const sent = Math.ceil(opts.stock * 1.25);
  const before = await server.metric('sql_statements_total');
  const result = await load({
    url: server.urls ? server.urls.map((u) => `${u}/graphql`) : `${server.url}/graphql`,
    method: 'POST',
    headers,
    body: body('[<id>]'),
    tokens,
    connections: opts.connections,
    amount: sent,
    okMarker: '"placeOrder":{"id"',
  });
  const statements = (await server.metric('sql_statements_total')) - before;

  const spec = { url: `${ceiling.url}/place-order`, method: 'POST' as const, headers, body: body('x'), connections: opts.connections };
  await load({ ...spec, duration: opts.warmup });
  const top = await load({ ...spec, duration: opts.duration });

  const finalStock = await stockOf(server.databaseUrl, productId);
  const sold = (await unitsSold(server.databaseUrl, productId)) - soldBefore;
  return {
    stock: opts.stock,
    buyers: opts.buyers,
    sent,
    placed: result.ok ?? 0,
    ordersPerSecond: (result.ok ?? 0) / ((result.lastOkMs ?? 1) / 1000),
    server: result,
    ceiling: top,
    ratio: result.rps / top.rps,
    sqlPerRequest: statements / result.requests,
    finalStock,
    unitsSold: sold,
    oversold: Math.max(0, sold - opts.stock) + Math.max(0, -finalStock),
    bytes: Buffer.byteLength(recorded.body),
  };
}

async function setStock(base: string, token: string, productId: string, stock: number): Promise<void> {
  await gql(base, 'mutation($id: ID!, $n: Int!) { setStock(productId: $id, stock: $n) { stock } }', { id: productId, n: stock }, token);
}

/** Buyers sign up two at a time (each password hash holds 128 MiB for a moment). */
async function signUpBuyers(base: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  const stamp = Date.now().toString(36);
  const one = async (i: number) => {
    const data = await gql(base, 'mutation($in: SignUpInput!) { signUp(input: $in) { accessToken } }', {
      in: { name: `Flash Buyer ${i}`, email: `flash-${stamp}-${i}@example.com`, password: 'flash-sale-password' },
    });
    tokens[i] = data.signUp.accessToken;
  };
  for (let i = 0; i < count; i += 2) await Promise.all([one(i), ...(i + 1 < count ? [one(i + 1)] : [])]);
  return tokens;
}

/** One value read beside the running server, through an engine of our own (any engine the URL names). */
async function read<T>(databaseUrl: string, sql: string, productId: string): Promise<T> {
  const db = await openDatabase(databaseUrl);
  try {
    return Number(await queryValue(db, sql, [Number(productId.slice('prd_'.length))])) as T;
  } finally {
    await db.close();
  }
}

const stockOf = (databaseUrl: string, productId: string) => read<number>(databaseUrl, 'select stock from products where id = ?', productId);

/** Units in orders that were not cancelled. */
const unitsSold = (databaseUrl: string, productId: string) =>
  read<number>(
    databaseUrl,
    `select coalesce(sum(i.quantity), 0) from order_items i join orders o on o.id = i.order_id
      where i.product_id = ? and o.status <> 'CANCELLED'`,
    productId,
  );
