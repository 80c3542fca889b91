/**
 * The response cache against the contract: keyed by the normalized document, variables and scope; stale never;
 * private data never served to another caller; single flight; APQ over GET and POST; bounded memory.
 */
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { signInAll, type Demo } from './helpers/accounts.js';
import { codesOf, dataOf, startServer, type GraphQLResponse, type TestServer } from './helpers/server.js';

let server: TestServer;
let auth: Record<Demo, Record<string, string>>;
beforeAll(async () => {
  server = await startServer();
  auth = await signInAll(server);
});

const PRODUCT = `query P($id: ID!) { product(id: $id) { id title stock price { amount } rating reviewCount
  reviews(first: 3) { totalCount nodes { id } } seller { id rating } } }`;
const xCache = (res: GraphQLResponse) => res.headers.get('x-cache');
const sellerProduct = async (offset: number) =>
  `prd_${(await server.sql.value('select id from products where seller_id = 1 order by id limit 1 offset ?', offset))}`;

/** Reads twice (the second must be a hit), runs `change`, and returns the read after it (which must miss). */
async function readChangeRead(query: string, variables: Record<string, unknown>, change: () => Promise<unknown>, headers = {}) {
  await server.gql(query, variables, headers);
  const before = await server.gql(query, variables, headers);
  expect(xCache(before)).toBe('HIT');
  await change();
  const after = await server.gql(query, variables, headers);
  expect(xCache(after)).toBe('MISS');
  return { before: dataOf<any>(before), after: dataOf<any>(after) };
}

describe('a repeated read is a hit', () => {
  it('MISS, then HIT with the same data, an Age, and its own extensions.cost', async () => {
    const first = await server.gql(PRODUCT, { id: 'prd_5' });
    const second = await server.gql(PRODUCT, { id: 'prd_5' });
    expect([xCache(first), xCache(second)]).toEqual(['MISS', 'HIT']);
    expect(second.body.data).toEqual(first.body.data);
    expect(Number(second.headers.get('age'))).toBeGreaterThanOrEqual(0);
    expect((second.body as any).extensions.cost).toMatchObject({
      requestedQueryCost: (first.body as any).extensions.cost.requestedQueryCost,
      actualQueryCost: (first.body as any).extensions.cost.actualQueryCost,
      limit: 1000,
      throttleStatus: { maximumAvailable: expect.any(Number), currentlyAvailable: expect.any(Number), restoreRate: 100 },
    });
  });

  it('a hit writes the stored bytes: text beyond ASCII (the rupee sign) arrives as the miss sent it', async () => {
    const query = `{ product(id: "prd_5") { title price { formatted } } }`;
    const [miss, hit] = [await server.gql(query), await server.gql(query)];
    expect([xCache(miss), xCache(hit)]).toEqual(['MISS', 'HIT']);
    expect(dataOf<any>(hit).product.price.formatted).toMatch(/^₹[\d,]+\.\d\d$/);
    expect(hit.body.data).toEqual(miss.body.data);
  });

  it('normalized variants share one entry: whitespace, comments, variable key order', async () => {
    const q1 = `query V($a: Int, $b: Boolean) { products(first: $a, filter: { inStock: $b }) { nodes { id } } }`;
    const q2 = `# the same query\nquery V($a: Int,   $b: Boolean) {\n  products(first: $a, filter: {inStock: $b}) {\n nodes { id } } }`;
    expect(xCache(await server.gql(q1, { a: 3, b: true }))).toBe('MISS');
    expect(xCache(await server.gql(q2, { b: true, a: 3 }))).toBe('HIT');
    expect(xCache(await server.gql(q2, { b: true, a: 4 }))).toBe('MISS');
  });

  it('mutations BYPASS; public responses carry Cache-Control and a Cache-Tag of IDs and lists', async () => {
    const res = await server.gql(`{ products(first: 2, sort: PRICE_ASC) { nodes { id seller { id } } } }`);
    const tags = res.headers.get('cache-tag')!.split(',');
    const { products } = dataOf<any>(res);
    expect(tags).toEqual(expect.arrayContaining(['Product:list', ...products.nodes.map((n: any) => n.id), ...products.nodes.map((n: any) => n.seller.id)]));
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+, public/);
    const mutation = await server.gql('mutation { logOut(refreshToken: "x") }');
    expect(xCache(mutation)).toBe('BYPASS');
  });

  it('hits are served over GET too, but never to a simple cross-site GET (CSRF)', async () => {
    const url = `${server.url}/graphql?query=${encodeURIComponent('{ categories { id } }')}`;
    const a = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    const b = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect([a.headers.get('x-cache'), b.headers.get('x-cache')]).toEqual(['MISS', 'HIT']);
    expect(b.headers.get('cache-tag')).toContain('Category:list');
    expect((await fetch(url)).status).toBe(400);
  });

  it('a bad token is 401 even for a cached query', async () => {
    await server.gql('{ categories { id } }');
    const res = await server.gql('{ categories { id } }', {}, { authorization: 'Bearer nope' });
    expect(res.status).toBe(401);
  });
});

describe('after each mutation the next read shows the change (stale never)', () => {
  it('updateProduct: the product and the price-sorted listing', async () => {
    const id = await sellerProduct(0);
    const list = `{ products(first: 100, sort: PRICE_ASC) { nodes { id price { amount } } } }`;
    await server.gql(list);
    const { after } = await readChangeRead(PRODUCT, { id }, () =>
      server.gql(`mutation($id: ID!) { updateProduct(id: $id, input: { price: 1, mrp: 999999 }) { id } }`, { id }, auth.seller),
    );
    expect(after.product.price.amount).toBe(1);
    const listed = await server.gql(list);
    expect(xCache(listed)).toBe('MISS');
    expect(dataOf<any>(listed).products.nodes[0]).toEqual({ id, price: { amount: 1 } });
  });

  it('setStock: the product, and the in-stock listing when stock crosses zero', async () => {
    const id = await sellerProduct(1);
    const list = `{ products(first: 100, filter: { inStock: false }) { totalCount nodes { id } } }`;
    const { after } = await readChangeRead(list, {}, () =>
      server.gql(`mutation($id: ID!) { setStock(productId: $id, stock: 0) { id } }`, { id }, auth.seller),
    );
    expect(after.products.nodes.map((n: any) => n.id)).toContain(id);
    const { after: product } = await readChangeRead(PRODUCT, { id }, () =>
      server.gql(`mutation($id: ID!) { setStock(productId: $id, stock: 7) { id } }`, { id }, auth.seller),
    );
    expect(product.product.stock).toBe(7);
  });

  it('createProduct: the catalog, its category’s and its seller’s listings', async () => {
    const queries = [
      `{ products(first: 5, sort: NEWEST) { totalCount nodes { id } } }`,
      `{ category: node(id: "cat_4") { ... on Category { products(first: 100) { totalCount } } } }`,
      `{ seller(id: "sel_1") { products(first: 1) { totalCount } } }`,
    ];
    for (const q of queries) await server.gql(q);
    const created = dataOf<any>(await server.gql(
      `mutation { createProduct(input: { title: "Cache Test Kettle", description: "Boils.", categoryId: "cat_4", price: 99900, mrp: 149900, stock: 3 }) { id } }`,
      {}, auth.seller,
    )).createProduct.id;
    const reads = await Promise.all(queries.map((q) => server.gql(q)));
    expect(reads.map((r) => xCache(r))).toEqual(['MISS', 'MISS', 'MISS']);
    expect(dataOf<any>(reads[0]!).products.nodes[0].id).toBe(created);
  });

  it('addReview: rating, counts, the review lists and the seller’s rating', async () => {
    const id = await sellerProduct(2);
    const { before, after } = await readChangeRead(PRODUCT, { id }, () =>
      server.gql(`mutation($id: ID!) { addReview(input: { productId: $id, rating: 1, body: "Broke." }) { id } }`, { id }, auth.buyer2),
    );
    expect(after.product.reviewCount).toBe(before.product.reviewCount + 1);
    expect(after.product.reviews.totalCount).toBe(before.product.reviews.totalCount + 1);
    expect(after.product.seller.rating).not.toBe(before.product.seller.rating);
    const mine = await server.gql(`{ user(id: "usr_2") { reviews(first: 1) { nodes { product { id } } } } }`);
    expect(dataOf<any>(mine).user.reviews.nodes[0].product.id).toBe(id);
  });

  it('placeOrder, updateOrderStatus and cancelOrder: stock, the order, the buyer’s orders', async () => {
    const id = await sellerProduct(3);
    await server.gql(`mutation($id: ID!) { setStock(productId: $id, stock: 10) { id } }`, { id }, auth.seller);
    const ORDERS = `{ viewer { orders(first: 5) { totalCount nodes { id status } } } }`;
    let order = '';
    const placed = await readChangeRead(ORDERS, {}, async () => {
      const res = await server.gql(`mutation($id: ID!) { placeOrder(input: { items: [{ productId: $id, quantity: 2 }], idempotencyKey: "cache-1" }) { id } }`, { id }, auth.buyer);
      order = dataOf<any>(res).placeOrder.id;
    }, auth.buyer);
    expect(placed.after.viewer.orders.totalCount).toBe(placed.before.viewer.orders.totalCount + 1);
    expect(dataOf<any>(await server.gql(PRODUCT, { id })).product.stock).toBe(8);

    const ORDER = `query($id: ID!) { order(id: $id) { status events { status } } }`;
    const moved = await readChangeRead(ORDER, { id: order }, () =>
      server.gql(`mutation($id: ID!) { updateOrderStatus(id: $id, status: CONFIRMED) { id } }`, { id: order }, auth.seller), auth.buyer);
    expect(moved.after.order.status).toBe('CONFIRMED');
    const cancelled = await readChangeRead(PRODUCT, { id }, () => server.gql(`mutation($id: ID!) { cancelOrder(id: $id) { id } }`, { id: order }, auth.buyer));
    expect(cancelled.after.product.stock).toBe(10);
  });
});

describe('private data never reaches another caller', () => {
  it('viewer and email are cached per user, never shared', async () => {
    const Q = `{ viewer { id email } user(id: "usr_1") { email } }`;
    const first = await server.gql(Q, {}, auth.buyer);
    const second = await server.gql(Q, {}, auth.buyer);
    expect([xCache(first), xCache(second)]).toEqual(['MISS', 'HIT']);
    expect(dataOf<any>(second).user.email).toBe('buyer@example.com');
    expect(second.headers.get('cache-tag')).toBeNull();
    const other = await server.gql(Q, {}, auth.buyer2);
    expect(xCache(other)).toBe('MISS');
    expect(dataOf<any>(other)).toEqual({ viewer: { id: 'usr_2', email: 'buyer2@example.com' }, user: { email: null } });
    const anonymous = await server.gql(Q);
    expect(dataOf<any>(anonymous)).toEqual({ viewer: null, user: { email: null } });
  });

  it('an order read through the Node interface is cached per user, never under a shared key', async () => {
    const id = await sellerProduct(4);
    await server.gql(`mutation($id: ID!) { setStock(productId: $id, stock: 5) { id } }`, { id }, auth.seller);
    const order = dataOf<any>(await server.gql(`mutation($id: ID!) { placeOrder(input: { items: [{ productId: $id, quantity: 1 }], idempotencyKey: "cache-2" }) { id } }`, { id }, auth.buyer)).placeOrder.id;
    const Q = `query($id: ID!) { node(id: $id) { id } }`;
    await server.gql(Q, { id: order }, auth.buyer);
    const again = await server.gql(Q, { id: order }, auth.buyer);
    expect(xCache(again)).toBe('HIT');
    expect(again.headers.get('cache-control')).toMatch(/private/);
    expect(again.headers.get('cache-tag')).toBeNull();
    expect(codesOf(await server.gql(Q, { id: order }, auth.buyer2))).toEqual(['FORBIDDEN']);
    expect(codesOf(await server.gql(Q, { id: order }))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('single flight', () => {
  it('20 concurrent identical misses execute once (counted in SQL statements)', async () => {
    const Q = (name: string) => `query ${name}($id: ID!) { product(id: $id) { title seller { name } category { name }
      reviews(first: 5) { nodes { author { name } } } } }`;
    const id = `prd_${(await server.sql.value('select id from products where review_count > 2 order by id limit 1'))}`;
    // The same work under another operation name is another key: what one execution costs.
    const once = await server.countSql(() => server.gql(Q('Once'), { id }));
    expect(once.statements).toBe(5);
    // Twenty connections opened beforehand, so the twenty requests arrive together rather than one by one.
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    const post = (path: string, body?: string) =>
      new Promise<{ xCache: string | undefined; body: string }>((ok, fail) => {
        const req = request(`${server.url}${path}`, { agent, method: body ? 'POST' : 'GET', headers: { 'content-type': 'application/json' } }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c)).on('end', () => ok({ xCache: res.headers['x-cache'] as string | undefined, body: text }));
        });
        req.on('error', fail).end(body);
      });
    await Promise.all(Array.from({ length: 20 }, () => post('/health')));
    // better-sqlite3 is synchronous, so an execution here never yields to let a second request in; an async
    // database (PostgreSQL) does. Give execution an I/O wait of 50 ms so the twenty misses really overlap.
    const apollo = server.app.apollo;
    const execute = apollo.executeHTTPGraphQLRequest.bind(apollo);
    apollo.executeHTTPGraphQLRequest = async (args) => {
      await new Promise((r) => setTimeout(r, 50));
      return execute(args);
    };
    const body = JSON.stringify({ query: Q('Many'), variables: { id } });
    const many = await server.countSql(() => Promise.all(Array.from({ length: 20 }, () => post('/graphql', body))));
    apollo.executeHTTPGraphQLRequest = execute;
    agent.destroy();
    expect(many.statements).toBe(once.statements);
    expect(many.result.filter((r) => r.xCache === 'MISS')).toHaveLength(1);
    expect(new Set(many.result.map((r) => JSON.stringify(JSON.parse(r.body).data))).size).toBe(1);
  });
});

describe('automatic persisted queries', () => {
  const query = `{ categories { slug } }`;
  const sha256Hash = createHash('sha256').update(query).digest('hex');
  const ext = { persistedQuery: { version: 1, sha256Hash } };
  const post = (body: object) =>
    fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('POST: an unknown hash is PERSISTED_QUERY_NOT_FOUND; registering makes it work, then hit', async () => {
    const unknown = await (await post({ extensions: ext })).json() as any;
    expect(unknown.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await (await post({ query, extensions: ext })).json() as any).data.categories.length).toBeGreaterThan(5);
    const byHash = await post({ extensions: ext });
    expect(byHash.headers.get('x-cache')).toBe('HIT');
    expect(((await byHash.json()) as any).data.categories.length).toBeGreaterThan(5);
  });

  it('GET with only the hash, as a CDN-friendly URL', async () => {
    const q2 = `{ categories { name } }`;
    const hash = createHash('sha256').update(q2).digest('hex');
    const get = (withQuery: boolean) =>
      fetch(`${server.url}/graphql?${withQuery ? `query=${encodeURIComponent(q2)}&` : ''}extensions=${encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }))}`, {
        headers: { 'apollo-require-preflight': 'true' },
      });
    expect(((await (await get(false)).json()) as any).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await get(true)).status).toBe(200);
    const hit = await get(false);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('cache-control')).toMatch(/public/);
    // The store is asked on every request: once it has lost the text, the hash alone is unknown again, never a hit.
    await server.app.deps.stores.apq.delete(`apq:${hash}`);
    const lost = await get(false);
    expect(lost.headers.get('x-cache')).not.toBe('HIT');
    expect(((await lost.json()) as any).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await get(true)).status).toBe(200);
    expect((await get(false)).headers.get('x-cache')).toBe('HIT');
  });
});

describe('memory stays under the configured bound', () => {
  it('filling the cache with many distinct queries evicts the least recently used', async () => {
    const small = await startServer({ CACHE_MAX_BYTES: '60000' });
    for (let i = 1; i <= 150; i++) await small.gql(PRODUCT, { id: `prd_${i}` });
    const stats = await small.app.deps.responseCache!.stats();
    expect(stats.bytes).toBeLessThanOrEqual(60000);
    expect(stats.entries).toBeGreaterThan(5);
    expect(stats.entries).toBeLessThan(150);
    expect(xCache(await small.gql(PRODUCT, { id: 'prd_150' }))).toBe('HIT');
    expect(xCache(await small.gql(PRODUCT, { id: 'prd_1' }))).toBe('MISS');
  });
});
