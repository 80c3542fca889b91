/**
 * Hostile traffic (issue 11): money that cannot be represented, cached nulls that hide what is created, and client
 * mistakes that used to be answered as server errors. Each test failed on the code before its fix.
 */
import { createHash, createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { signInAll, type Demo } from './helpers/accounts.js';
import { codesOf, dataOf, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let auth: Record<Demo, Record<string, string>>;
beforeAll(async () => {
  server = await startServer({ NODE_ENV: 'production', JWT_SECRET: 'hostile-test-secret-0123456789abcdefghij' });
  auth = await signInAll(server);
});

const post = async (body: string | unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as any, text };
};

const CREATE = `mutation($i: CreateProductInput!) { createProduct(input: $i) { id stock } }`;
const PLACE = `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id total { amount } } }`;
const MY_ORDERS = `{ viewer { orders(first: 20) { totalCount nodes { id total { amount formatted } } } } }`;

describe('money: an order total Money cannot carry is refused before anything is written (item 8)', () => {
  const expensive = async (price: number) =>
    dataOf<any>(
      await server.gql(
        CREATE,
        { i: { title: 'Gold bar', description: 'A kilogram.', categoryId: 'cat_1', price, mrp: price, stock: 100 } },
        auth.seller,
      ),
    ).createProduct.id as string;
  const stockOf = async (id: string) => dataOf<any>(await server.gql(`{ product(id: "${id}") { stock } }`)).product.stock;
  const orders = () => server.sql.value<number>('select count(*) from orders');

  it('two lines of 10 × ₹15,00,000.00 (3,000,000,000 paise > 2^31 − 1): BAD_USER_INPUT, no stock taken, no order', async () => {
    const a = await expensive(150_000_000);
    const b = await expensive(150_000_000);
    const before = await orders();
    const res = await server.gql(
      PLACE,
      { i: { idempotencyKey: 'too-much', items: [{ productId: a, quantity: 10 }, { productId: b, quantity: 10 }] } },
      auth.buyer,
    );
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(await stockOf(a)).toBe(100);
    expect(await stockOf(b)).toBe(100);
    expect(await orders()).toBe(before);
    // The buyer's order list still renders.
    expect(dataOf<any>(await server.gql(MY_ORDERS, {}, auth.buyer)).viewer.orders.totalCount).toBeGreaterThanOrEqual(0);
  });

  it('one line whose total overflows alone (2 × ₹2 crore) is refused; up to 2^31 − 1 paise is taken', async () => {
    const top = await expensive(2_000_000_000);
    const res = await server.gql(PLACE, { i: { idempotencyKey: 'one-line', items: [{ productId: top, quantity: 2 }] } }, auth.buyer);
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(await stockOf(top)).toBe(100);
    const ok = dataOf<any>(await server.gql(PLACE, { i: { idempotencyKey: 'fits', items: [{ productId: top, quantity: 1 }] } }, auth.buyer));
    expect(ok.placeOrder.total.amount).toBe(2_000_000_000);
    const list = dataOf<any>(await server.gql(MY_ORDERS, {}, auth.buyer)).viewer.orders.nodes;
    expect(list.map((o: any) => o.id)).toContain(ok.placeOrder.id);
  });
});

describe('cache: a response is tagged with the IDs it asked for, found or not (item 9)', () => {
  const nextId = async (table: string) => Number(await server.sql.value(`select max(id) from ${table}`)) + 1;

  it('product(id:) cached as null before createProduct shows the product after it', async () => {
    const id = `prd_${await nextId('products')}`;
    const q = `{ product(id: "${id}") { id title } }`;
    expect(dataOf<any>(await server.gql(q)).product).toBeNull();
    const again = await server.gql(q);
    expect(again.headers.get('x-cache')).toBe('HIT');
    expect(again.headers.get('cache-tag')).toContain(id);
    const created = dataOf<any>(
      await server.gql(CREATE, { i: { title: 'New listing', description: 'Fresh.', categoryId: 'cat_1', price: 100, mrp: 100, stock: 1 } }, auth.seller),
    ).createProduct;
    expect(created.id).toBe(id);
    expect(dataOf<any>(await server.gql(q)).product).toEqual({ id, title: 'New listing' });
  });

  it('user(id:) and node(id:) cached as null before signUp show the user after it', async () => {
    const id = `usr_${await nextId('users')}`;
    const byUser = `{ user(id: "${id}") { id name } }`;
    const byNode = `{ node(id: "${id}") { id ... on User { name } } }`;
    expect(dataOf<any>(await server.gql(byUser)).user).toBeNull();
    expect(dataOf<any>(await server.gql(byNode)).node).toBeNull();
    expect((await server.gql(byUser)).headers.get('x-cache')).toBe('HIT');
    const signUp = `mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }`;
    dataOf(await server.gql(signUp, { i: { name: 'Asha Rao', email: 'asha.rao@example.in', password: 'long enough' } }));
    expect(dataOf<any>(await server.gql(byUser)).user).toEqual({ id, name: 'Asha Rao' });
    expect(dataOf<any>(await server.gql(byNode)).node).toEqual({ id, name: 'Asha Rao' });
  });
});

describe('client mistakes are 4xx with a GraphQL code, never server errors (item 10)', () => {
  const expectRefused = (res: { status: number; json: any }, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.json.errors.map((e: any) => e.extensions.code)).toEqual([code]);
    expect(JSON.stringify(res.json)).not.toMatch(/stacktrace|\.ts:\d|\n\s+at /);
  };

  it('two operations and no operationName; an operationName the document does not hold', async () => {
    const query = 'query A { __typename } query B { categories { id } }';
    expectRefused(await post({ query }), 400, 'GRAPHQL_VALIDATION_FAILED');
    expectRefused(await post({ query, operationName: 'C' }), 400, 'GRAPHQL_VALIDATION_FAILED');
    expect((await post({ query, operationName: 'B' })).status).toBe(200);
  });

  it('a persisted-query hash that does not match its text', async () => {
    const query = '{ categories { id } }';
    const wrong = createHash('sha256').update('{ other }').digest('hex');
    expectRefused(await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: wrong } } }), 400, 'BAD_USER_INPUT');
    const right = createHash('sha256').update(query).digest('hex');
    expect((await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: right } } })).status).toBe(200);
  });

  it('a subscription POSTed over HTTP', async () => {
    const res = await post({ query: 'subscription { myOrderUpdates { id } }' }, auth.buyer);
    expectRefused(res, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(res.json.errors[0].message).toMatch(/WebSocket/);
  });

  it('deeply nested unused variables (and a deep GET)', async () => {
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    const body = `{"query":"query($id: ID!) { product(id: $id) { id } }","variables":{"id":"prd_1","junk":${deep}}}`;
    const res = await post(body);
    expectRefused(res, 400, 'BAD_USER_INPUT');
    const shallower = '{"a":'.repeat(100) + '1' + '}'.repeat(100); // a URL holds less
    const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ __typename }')}&variables=${encodeURIComponent(`{"junk":${shallower}}`)}`, {
      headers: { 'apollo-require-preflight': '1' },
    });
    expect(get.status).toBe(400);
    expect(((await get.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('malformed JSON and a body over 256 KB answer in GraphQL’s error shape', async () => {
    expectRefused(await post('{"query": "{ __typename }"'), 400, 'BAD_USER_INPUT');
    const big = await post({ query: `# ${'x'.repeat(300 * 1024)}\n{ __typename }` });
    expectRefused(big, 413, 'QUERY_TOO_COMPLEX');
    expect(big.json.errors[0].extensions).toMatchObject({ limit: 'body', max: 256 * 1024 });
  });
});

describe('low: tokens, authentication before input, REST paging, text rules, refresh races, /metrics (item 11)', () => {
  const SECRET = 'hostile-test-secret-0123456789abcdefghij';
  const sign = (claims: object) => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
  };

  it('a validly signed token whose user does not exist is 401, not anonymous', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = sign({ sub: 'usr_999999', role: 'ADMIN', iat: now, exp: now + 60 });
    const res = await post({ query: '{ viewer { id } }' }, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(401);
    expect(res.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const rest = await fetch(`${server.url}/api/v1/products/prd_1`, { headers: { authorization: `Bearer ${token}` } });
    expect(rest.status).toBe(401);
  });

  it('anonymous requests for orders are 401 whatever their arguments (GraphQL and REST)', async () => {
    const gql = await server.gql('{ order(id: "ord_garbage") { id } }');
    expect(codesOf(gql)).toEqual(['UNAUTHENTICATED']);
    for (const path of ['/api/v1/orders/ord_garbage', '/api/v1/orders/nonsense']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(401);
      expect(((await res.json()) as any).error.code).toBe('UNAUTHENTICATED');
    }
    const cancel = await fetch(`${server.url}/api/v1/orders/zzz/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(401);
  });

  it('REST limit=0 has no next link (it would equal self)', async () => {
    const res = await fetch(`${server.url}/api/v1/products?limit=0`);
    const body = (await res.json()) as any;
    expect(res.status).toBe(200);
    expect(body.data).toEqual([]);
    expect(body._links.next?.href).not.toBe(body._links.self.href);
    expect(body._links.next).toBeUndefined();
  });

  it('control characters in emails, NUL and bidi overrides in titles, and non-http(s) images are refused', async () => {
    const signUp = 'mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }';
    for (const email of ['a\u0000b@example.in', 'a\u0007@example.in', 'x\u202e@example.in']) {
      expect(codesOf(await server.gql(signUp, { i: { name: 'X', email, password: 'long enough' } }))).toEqual(['BAD_USER_INPUT']);
    }
    const base = { description: 'Fine.', categoryId: 'cat_1', price: 100, mrp: 100, stock: 1 };
    for (const title of ['Nul\u0000title', 'Evil \u202egnp.exe', 'Isolate \u2066x\u2069']) {
      const res = await server.gql(CREATE, { i: { ...base, title } }, auth.seller);
      expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.body.errors![0]!.extensions!.field).toBe('title');
    }
    for (const image of ['javascript:alert(1)', 'data:image/png;base64,AAAA', 'ftp://img.example.com/a.jpg', 'https://user:pw@img.example.com/a.jpg', '//img.example.com/a.jpg']) {
      expect(codesOf(await server.gql(CREATE, { i: { ...base, title: 'Pic', images: [image] } }, auth.seller))).toEqual(['BAD_USER_INPUT']);
    }
    const ok = await server.gql(CREATE, { i: { ...base, title: 'Pic', images: ['http://img.example.com/a.jpg', 'https://img.example.com/b.jpg'] } }, auth.seller);
    expect(ok.body.errors).toBeUndefined();
  });

  it('/metrics needs METRICS_TOKEN when it is set', async () => {
    const guarded = await startServer({ METRICS_TOKEN: 'metrics-token-0123456789' });
    expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const ok = await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('process_resident_memory_bytes');
  });
});
