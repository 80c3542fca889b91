/**
 * The REST shim against the contract: each route's statuses, cursor pagination, `_links` that resolve, ETag and
 * 304, errors in `{ error: { code, message, field? } }` with their statuses, Idempotency-Key, the shared rate-limit
 * bucket, and compression on both REST and GraphQL.
 */
import { randomUUID } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { beforeAll, describe, expect, it } from 'vitest';
import { signInAll, type Demo } from './helpers/accounts.js';
import { rawRequest, restClient, type RestResponse } from './helpers/rest.js';
import { codesOf, dataOf, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let auth: Record<Demo, Record<string, string>>;
let rest: ReturnType<typeof restClient>;
beforeAll(async () => {
  server = await startServer();
  auth = await signInAll(server);
  rest = restClient(server);
});

const setStock = (id: number, n: number) => server.sql.run('update products set stock = ? where id = ?', n, id);
/** A product of seller 1 (run by seller@example.com), `offset` apart so tests do not share stock. */
const sellerProduct = (offset: number) =>
  server.sql.value<number>('select id from products where seller_id = 1 order by id limit 1 offset ?', offset);

function expectError(res: RestResponse, status: number, code: string, field?: string) {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  if (field) expect(res.body.error.field).toBe(field);
}

/** Follows `_links.next` to the end of a list. */
async function walk(path: string): Promise<any[]> {
  const items: any[] = [];
  let next: string | undefined = path;
  for (let pages = 0; next; pages++) {
    expect(pages).toBeLessThan(50);
    const res: RestResponse = await rest(next.startsWith('/api/') ? next : `/api/v1${next}`);
    expect(res.status).toBe(200);
    items.push(...res.body.data);
    expect(Boolean(res.body._links.next)).toBe(res.body.pageInfo.hasNextPage);
    next = res.body._links.next?.href;
  }
  return items;
}

describe('GET /products', () => {
  it('is a page of products as GraphQL has them, with relations as IDs and _links', async () => {
    const res = await rest('/api/v1/products?limit=3&sort=PRICE_DESC');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const gql = dataOf<any>(
      await server.gql(`{ products(first: 3, sort: PRICE_DESC) { pageInfo { hasNextPage endCursor } nodes {
        id title brand images price { amount currency formatted } mrp { amount currency formatted } discountPercent
        stock inStock rating reviewCount createdAt seller { id } category { id } } } }`),
    ).products;
    expect(res.body.pageInfo).toEqual(gql.pageInfo); // the same cursors: the same service made them
    expect(res.body.data).toHaveLength(3);
    res.body.data.forEach((p: any, i: number) => {
      const { seller, category, ...fields } = gql.nodes[i];
      expect(p).toMatchObject({ ...fields, sellerId: seller.id, categoryId: category.id });
      expect(p._links).toEqual({
        self: { href: `/api/v1/products/${p.id}` },
        seller: { href: `/api/v1/sellers/${seller.id}` },
        category: { href: `/api/v1/categories/${category.id}` },
        reviews: { href: `/api/v1/products/${p.id}/reviews` },
      });
    });
    expect(res.body._links.self.href).toBe('/api/v1/products?limit=3&sort=PRICE_DESC');
    expect(res.body._links.next.href).toBe(`/api/v1/products?limit=3&sort=PRICE_DESC&after=${gql.pageInfo.endCursor}`);
  });

  it('walks the whole catalog through _links.next: every product once, in order', async () => {
    const items = await walk('/products?limit=100&sort=PRICE_ASC');
    const total = (await server.sql.value('select count(*) from products'));
    expect(items).toHaveLength(total as number);
    expect(new Set(items.map((p) => p.id)).size).toBe(total);
    const prices = items.map((p) => p.price.amount);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
  });

  it('filters by category, seller, price bounds (inclusive), stock and search', async () => {
    const inCategory = await walk('/products?categoryId=cat_2&limit=100');
    expect(inCategory.length).toBeGreaterThan(0);
    expect(inCategory.every((p) => p.categoryId === 'cat_2')).toBe(true);

    const bySeller = (await rest('/api/v1/products?sellerId=sel_1&limit=100')).body.data;
    expect(bySeller.every((p: any) => p.sellerId === 'sel_1')).toBe(true);

    const price = ((await server.sql.value('select price_paise from products order by id limit 1'))) as number;
    const exact = (await rest(`/api/v1/products?minPrice=${price}&maxPrice=${price}&limit=100`)).body.data;
    expect(exact.length).toBeGreaterThan(0);
    expect(exact.every((p: any) => p.price.amount === price)).toBe(true);

    await setStock(await sellerProduct(30), 0);
    const out = (await rest('/api/v1/products?inStock=false&limit=100')).body.data;
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((p: any) => p.stock === 0 && !p.inStock)).toBe(true);

    const title = ((await server.sql.value('select title from products order by id limit 1'))) as string;
    const word = title.split(' ')[0]!;
    const found = (await rest(`/api/v1/products?search=${encodeURIComponent(word)}`)).body.data;
    expect(found.map((p: any) => p.id)).toContain('prd_1');
  });

  it('refuses bad parameters with 400 BAD_USER_INPUT naming the field', async () => {
    expectError(await rest('/api/v1/products?limit=101'), 400, 'BAD_USER_INPUT', 'limit');
    expectError(await rest('/api/v1/products?limit=-1'), 400, 'BAD_USER_INPUT', 'limit');
    expectError(await rest('/api/v1/products?limit=ten'), 400, 'BAD_USER_INPUT', 'limit');
    expectError(await rest('/api/v1/products?sort=CHEAPEST'), 400, 'BAD_USER_INPUT', 'sort');
    expectError(await rest('/api/v1/products?minPrice=-5'), 400, 'BAD_USER_INPUT', 'minPrice');
    expectError(await rest('/api/v1/products?after=garbage'), 400, 'BAD_USER_INPUT', 'after');
    expectError(await rest('/api/v1/products?categoryId=sel_1'), 400, 'BAD_USER_INPUT', 'filter.categoryId');
    // A cursor belongs to its list and sort.
    const cursor = (await rest('/api/v1/products?limit=1&sort=NEWEST')).body.pageInfo.endCursor;
    expectError(await rest(`/api/v1/products?sort=PRICE_ASC&after=${cursor}`), 400, 'BAD_USER_INPUT', 'after');
  });

  it('limit=0 is an empty page', async () => {
    const res = await rest('/api/v1/products?limit=0');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ data: [], pageInfo: { endCursor: null } });
  });
});

describe('GET /products/{id} and its reviews', () => {
  it('200 with the product; 404 for an ID that names nothing; 400 for a malformed or wrong-type ID', async () => {
    const res = await rest('/api/v1/products/prd_1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'prd_1', sellerId: expect.stringMatching(/^sel_/), categoryId: expect.stringMatching(/^cat_/) });
    expectError(await rest('/api/v1/products/prd_999999'), 404, 'NOT_FOUND');
    expectError(await rest('/api/v1/products/sel_1'), 400, 'BAD_USER_INPUT', 'id');
    expectError(await rest('/api/v1/products/nonsense'), 400, 'BAD_USER_INPUT', 'id');
  });

  it('reviews carry authorId (not the author) and page like GraphQL', async () => {
    const id = (await server.sql.value('select product_id from reviews group by product_id having count(*) > 6 limit 1'));
    const all = await walk(`/products/prd_${id}/reviews?limit=2`);
    const gql = dataOf<any>(await server.gql(`{ product(id: "prd_${id}") { reviewCount reviews(first: 100) { nodes { id author { id } } } } }`)).product;
    expect(all.map((r) => r.id)).toEqual(gql.reviews.nodes.map((r: any) => r.id));
    expect(all.map((r) => r.authorId)).toEqual(gql.reviews.nodes.map((r: any) => r.author.id));
    expect(all[0]).not.toHaveProperty('author');
    const best = (await rest(`/api/v1/products/prd_${id}/reviews?sort=RATING_DESC&limit=100`)).body.data.map((r: any) => r.rating);
    expect(best).toEqual([...best].sort((a, b) => b - a));
    expectError(await rest('/api/v1/products/prd_999999/reviews'), 404, 'NOT_FOUND');
    expectError(await rest(`/api/v1/products/prd_${id}/reviews?sort=OLDEST`), 400, 'BAD_USER_INPUT', 'sort');
  });
});

describe('sellers, users, categories', () => {
  it('GET /sellers/{id} and /sellers/{id}/products (deprecated: test/deprecation.test.ts)', async () => {
    const seller = await rest('/api/v1/sellers/sel_1');
    expect(seller.status).toBe(200);
    const gql = dataOf<any>(
      await server.gql('{ seller(id: "sel_1") { id name city averageRating rating joinedAt products(first: 5) { nodes { id } } } }'),
    ).seller;
    const { products, ...fields } = gql;
    expect(seller.body).toMatchObject(fields);
    // `_links.products` is the catalog filtered by seller; the deprecated route still serves the same page.
    const page = await rest(seller.body._links.products.href + '&limit=5');
    expect(page.body.data.map((p: any) => p.id)).toEqual(products.nodes.map((p: any) => p.id));
    const old = await rest('/api/v1/sellers/sel_1/products?limit=5');
    expect(old.body.data.map((p: any) => p.id)).toEqual(products.nodes.map((p: any) => p.id));
    expectError(await rest('/api/v1/sellers/sel_999999'), 404, 'NOT_FOUND');
    expectError(await rest('/api/v1/sellers/sel_999999/products'), 404, 'NOT_FOUND');
  });

  it('GET /users/{id} shows email only to the user and admins', async () => {
    expect((await rest('/api/v1/users/usr_1')).body).toMatchObject({ id: 'usr_1', email: null, role: 'BUYER' });
    expect((await rest('/api/v1/users/usr_1', { headers: auth.buyer2 })).body.email).toBeNull();
    expect((await rest('/api/v1/users/usr_1', { headers: auth.buyer })).body.email).toBe('buyer@example.com');
    expect((await rest('/api/v1/users/usr_1', { headers: auth.admin })).body.email).toBe('buyer@example.com');
    expectError(await rest('/api/v1/users/usr_999999'), 404, 'NOT_FOUND');
  });

  it('a SELLER user links to the seller they run', async () => {
    const token = (await rest('/api/v1/auth/login', { method: 'POST', body: { email: 'seller@example.com', password: 'demo-password' } })).body;
    const me = (await rest(token._links.user.href)).body;
    expect(me).toMatchObject({ role: 'SELLER', sellerId: 'sel_1', _links: { seller: { href: '/api/v1/sellers/sel_1' } } });
  });

  it('GET /categories lists every category; each resolves by its self link', async () => {
    const res = await rest('/api/v1/categories');
    expect(res.status).toBe(200);
    const gql = dataOf<any>(await server.gql('{ categories { id name slug } }')).categories;
    expect(res.body.data.map(({ _links, ...c }: any) => c)).toEqual(gql);
    expect(res.body.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    const one = await rest(res.body.data[0]._links.self.href);
    expect(one.body).toEqual(res.body.data[0]);
    expectError(await rest('/api/v1/categories/cat_999999'), 404, 'NOT_FOUND');
  });
});

describe('_links resolve', () => {
  it('every link of a product, a review, a seller, a user and an order answers 200', async () => {
    const order = await placeOrder('buyer', [{ productId: `prd_${await sellerProduct(20)}`, quantity: 1 }]);
    const resources = [
      (await rest('/api/v1/products/prd_1')).body,
      (await rest('/api/v1/products?limit=2')).body,
      (await rest('/api/v1/sellers/sel_1')).body,
      (await rest('/api/v1/users/usr_1')).body,
      (await rest('/api/v1/categories')).body.data[0],
      order.body,
      ...order.body.items,
    ];
    const review = (await rest('/api/v1/products?sort=RATING_DESC&limit=1')).body.data[0]._links.reviews.href;
    resources.push((await rest(review)).body.data[0]);
    const hrefs = new Set<string>();
    for (const r of resources) {
      for (const [rel, link] of Object.entries<any>(r._links)) if (rel !== 'cancel') hrefs.add(link.href);
    }
    expect(hrefs.size).toBeGreaterThanOrEqual(12);
    for (const href of hrefs) {
      expect(href).toMatch(/^\/api\/v1\//);
      expect([href, (await rest(href, { headers: auth.buyer })).status]).toEqual([href, 200]);
    }
  });
});

describe('ETag and If-None-Match', () => {
  it('a GET carries a weak ETag; sending it back is 304 with no body; a change makes a new one', async () => {
    const id = await sellerProduct(10);
    const first = await rest(`/api/v1/products/prd_${id}`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/".+"$/);
    expect((await rest(`/api/v1/products/prd_${id}`)).headers.get('etag')).toBe(etag);

    const cached = await rest(`/api/v1/products/prd_${id}`, { headers: { 'if-none-match': etag } });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');
    // A list of tags, a strong form of the same tag, and `*` all match.
    for (const header of [`W/"other", ${etag}`, etag.slice(2), '*']) {
      expect((await rest(`/api/v1/products/prd_${id}`, { headers: { 'if-none-match': header } })).status).toBe(304);
    }
    expect((await rest(`/api/v1/products/prd_${id}`, { headers: { 'if-none-match': 'W/"stale"' } })).status).toBe(200);

    await setStock(id, 3); // a write through any path changes the representation
    const changed = await rest(`/api/v1/products/prd_${id}`, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.body.stock).toBe(3);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('lists revalidate too, and a 304 stays empty when the client accepts gzip or brotli', async () => {
    const path = '/api/v1/products?limit=50';
    const etag = (await rest(path)).headers.get('etag')!;
    for (const encoding of ['gzip', 'br']) {
      const res = await rawRequest(server.url + path, { headers: { 'accept-encoding': encoding, 'if-none-match': etag } });
      expect(res.status).toBe(304);
      expect(res.body.length).toBe(0);
      expect(res.headers['content-encoding']).toBeUndefined();
    }
  });

  it('private answers are marked private; writes get no ETag', async () => {
    expect((await rest('/api/v1/users/usr_1', { headers: auth.buyer })).headers.get('cache-control')).toBe('private, no-cache');
    expect((await rest('/api/v1/users/usr_1')).headers.get('cache-control')).toBe('no-cache');
    const placed = await placeOrder('buyer', [{ productId: `prd_${await sellerProduct(11)}`, quantity: 1 }]);
    expect(placed.headers.get('etag')).toBeNull();
  });
});

describe('POST /auth/login', () => {
  it('returns tokens that work as a bearer token', async () => {
    const res = await rest('/api/v1/auth/login', { method: 'POST', body: { email: 'buyer@example.com', password: 'demo-password' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900, userId: 'usr_1' });
    const me = await rest(res.body._links.user.href, { headers: { authorization: `Bearer ${res.body.accessToken}` } });
    expect(me.body.email).toBe('buyer@example.com');
  });

  it('a wrong password is 401 with one message; a malformed body is 400', async () => {
    const wrong = await rest('/api/v1/auth/login', { method: 'POST', body: { email: 'buyer2@example.com', password: 'nope-nope' } });
    expectError(wrong, 401, 'UNAUTHENTICATED');
    const unknown = await rest('/api/v1/auth/login', { method: 'POST', body: { email: 'nobody@example.com', password: 'nope-nope' } });
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    expectError(await rest('/api/v1/auth/login', { method: 'POST', body: { email: 'buyer@example.com' } }), 400, 'BAD_USER_INPUT', 'password');
    expectError(await rest('/api/v1/auth/login', { method: 'POST', body: '{"email": ' }), 400, 'BAD_USER_INPUT');
  });

  it('a bad bearer token is 401 with WWW-Authenticate on any route, never anonymous', async () => {
    const res = await rest('/api/v1/products/prd_1', { headers: { authorization: 'Bearer not-a-token' } });
    expectError(res, 401, 'UNAUTHENTICATED');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });
});

function placeOrder(who: Demo | null, items: { productId: string; quantity: number }[], key: string | null = randomUUID()) {
  return rest('/api/v1/orders', {
    method: 'POST',
    headers: { ...(who && auth[who]), ...(key !== null && { 'idempotency-key': key }) },
    body: { items },
  });
}

describe('orders', () => {
  it('POST /orders places an order: 201, Location, the order with its lines and history', async () => {
    const id = await sellerProduct(1);
    await setStock(id, 10);
    const res = await placeOrder('buyer', [{ productId: `prd_${id}`, quantity: 2 }]);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/v1/orders/${res.body.id}`);
    expect(res.body).toMatchObject({
      status: 'CREATED',
      buyerId: 'usr_1',
      items: [{ productId: `prd_${id}`, quantity: 2, _links: { product: { href: `/api/v1/products/prd_${id}` } } }],
      events: [{ status: 'CREATED', note: null }],
      _links: { self: { href: `/api/v1/orders/${res.body.id}` }, cancel: { href: `/api/v1/orders/${res.body.id}/cancel` } },
    });
    expect(res.body.total.amount).toBe(res.body.items[0].lineTotal.amount);
    const gql = dataOf<any>(await server.gql(`{ order(id: "${res.body.id}") { id status total { amount formatted } } }`, {}, auth.buyer));
    expect(res.body).toMatchObject(gql.order);
  });

  it('requires Idempotency-Key (400); a retry returns the same order and takes stock once; another payload is 409', async () => {
    const id = await sellerProduct(2);
    await setStock(id, 10);
    const items = [{ productId: `prd_${id}`, quantity: 1 }];
    expectError(await placeOrder('buyer', items, null), 400, 'BAD_USER_INPUT', 'Idempotency-Key');
    const key = randomUUID();
    const first = await placeOrder('buyer', items, key);
    const retry = await placeOrder('buyer', items, key);
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body.id).toBe(first.body.id);
    expect((await server.sql.value('select stock from products where id = ?', id))).toBe(9);
    expectError(await placeOrder('buyer', [{ productId: `prd_${id}`, quantity: 3 }], key), 409, 'CONFLICT', 'idempotencyKey');
  });

  it('anonymous 401, out of stock 422, unknown product 404, bad lines 400', async () => {
    const id = await sellerProduct(3);
    await setStock(id, 1);
    expectError(await placeOrder(null, [{ productId: `prd_${id}`, quantity: 1 }]), 401, 'UNAUTHENTICATED');
    const short = await placeOrder('buyer', [{ productId: `prd_${id}`, quantity: 2 }]);
    expectError(short, 422, 'OUT_OF_STOCK');
    expect(short.body.error.message).toContain(`prd_${id}`);
    expectError(await placeOrder('buyer', [{ productId: 'prd_999999', quantity: 1 }]), 404, 'NOT_FOUND');
    expectError(await placeOrder('buyer', [{ productId: `prd_${id}`, quantity: 11 }]), 400, 'BAD_USER_INPUT', 'items.0.quantity');
    expectError(await placeOrder('buyer', []), 400, 'BAD_USER_INPUT', 'items');
    expectError(await placeOrder('buyer', [{ productId: `prd_${id}`, quantity: 1, price: 1 }] as any), 400, 'BAD_USER_INPUT', 'items.0.price');
    expect((await server.sql.value('select stock from products where id = ?', id))).toBe(1);
  });

  it('GET /orders/{id}: the buyer and the seller 200, someone else 403, anonymous 401, unknown 404', async () => {
    const order = (await placeOrder('buyer', [{ productId: `prd_${await sellerProduct(4)}`, quantity: 1 }])).body;
    const path = `/api/v1/orders/${order.id}`;
    const mine = await rest(path, { headers: auth.buyer });
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual(order);
    const asSeller = await rest(path, { headers: auth.seller });
    expect(asSeller.status).toBe(200);
    expect(asSeller.body._links.cancel).toBeUndefined(); // only the buyer may cancel
    expectError(await rest(path, { headers: auth.buyer2 }), 403, 'FORBIDDEN');
    expectError(await rest(path), 401, 'UNAUTHENTICATED');
    expectError(await rest('/api/v1/orders/ord_999999', { headers: auth.buyer }), 404, 'NOT_FOUND');
    expectError(await rest('/api/v1/orders/prd_1', { headers: auth.buyer }), 400, 'BAD_USER_INPUT', 'id');
  });

  it('POST /orders/{id}/cancel: the buyer cancels once, the stock goes back; others 403', async () => {
    const id = await sellerProduct(5);
    await setStock(id, 5);
    const order = (await placeOrder('buyer', [{ productId: `prd_${id}`, quantity: 2 }])).body;
    const cancel = (who: Demo | null) => rest(order._links.cancel.href, { method: 'POST', headers: who ? auth[who] : {} });
    expectError(await cancel('buyer2'), 403, 'FORBIDDEN');
    expectError(await cancel(null), 401, 'UNAUTHENTICATED');
    const done = await cancel('buyer');
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'CANCELLED', events: [{ status: 'CREATED' }, { status: 'CANCELLED' }] });
    expect(done.body._links.cancel).toBeUndefined();
    expect((await server.sql.value('select stock from products where id = ?', id))).toBe(5);
    expectError(await cancel('buyer'), 400, 'BAD_USER_INPUT', 'status');
    expectError(await rest('/api/v1/orders/ord_999999/cancel', { method: 'POST', headers: auth.buyer }), 404, 'NOT_FOUND');
  });
});

describe('errors', () => {
  it('an unknown route is 404 in the same shape; a body over 256 KB is 413', async () => {
    expectError(await rest('/api/v1/nothing/here'), 404, 'NOT_FOUND');
    const huge = await rest('/api/v1/auth/login', { method: 'POST', body: { email: 'x'.repeat(300_000), password: 'p' } });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('BAD_USER_INPUT');
  });

  it("GraphQL's own error format is untouched", async () => {
    const res = await server.gql('{ product(id: "nonsense") { id } }');
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body).not.toHaveProperty('error');
  });
});

describe('compression, on both paths', () => {
  const decode = { gzip: gunzipSync, br: brotliDecompressSync } as const;

  it('REST bodies of 1 KB or more are gzip or brotli when accepted, identical once decoded', async () => {
    const url = `${server.url}/api/v1/products?limit=20`;
    const plain = await rawRequest(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);
    for (const encoding of ['gzip', 'br'] as const) {
      const res = await rawRequest(url, { headers: { 'accept-encoding': encoding } });
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(res.headers.vary).toContain('accept-encoding');
      expect(res.body.length).toBeLessThan(plain.body.length / 3);
      expect(decode[encoding](res.body).toString()).toBe(plain.body.toString());
      expect(res.headers.etag).toBe(plain.headers.etag);
    }
    // The client's preference decides; brotli wins a tie.
    expect((await rawRequest(url, { headers: { 'accept-encoding': 'gzip, deflate, br' } })).headers['content-encoding']).toBe('br');
    expect((await rawRequest(url, { headers: { 'accept-encoding': 'br;q=0.5, gzip' } })).headers['content-encoding']).toBe('gzip');
  });

  it('small bodies are sent as they are', async () => {
    const res = await rawRequest(`${server.url}/api/v1/categories/cat_1`, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.body.length).toBeLessThan(1024);
    expect(res.headers['content-encoding']).toBeUndefined();
  });

  it("GraphQL responses (Apollo's string bodies) are compressed too, over POST and GET", async () => {
    const query = '{ products(first: 20) { nodes { id title description price { formatted } } } }';
    const post = (encoding?: string) =>
      rawRequest(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(encoding && { 'accept-encoding': encoding }) },
        body: JSON.stringify({ query }),
      });
    const plain = await post();
    expect(plain.headers['content-encoding']).toBeUndefined();
    for (const encoding of ['gzip', 'br'] as const) {
      const res = await post(encoding);
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(JSON.parse(decode[encoding](res.body).toString()).data).toEqual(JSON.parse(plain.body.toString()).data);
    }
    const get = await rawRequest(`${server.url}/graphql?query=${encodeURIComponent(query)}`, {
      headers: { 'apollo-require-preflight': 'true', 'accept-encoding': 'gzip' },
    });
    expect(get.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(get.body).toString()).data.products.nodes).toHaveLength(20);
  });

  it('the WebSocket upgrade on /graphql still completes', async () => {
    const ws = new WebSocket(server.url.replace('http', 'ws') + '/graphql', 'graphql-transport-ws', {
      headers: { 'accept-encoding': 'gzip, br' },
    });
    const ack = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
      ws.on('message', (m) => resolve(JSON.parse(m.toString()).type));
      ws.on('error', reject);
    });
    ws.close();
    expect(ack).toBe('connection_ack');
  });
});

describe('the rate-limit bucket is shared with GraphQL', () => {
  it('REST calls spend from it (1 per resource, 1 + limit per list); empty, both paths get 429 RATE_LIMITED', async () => {
    const now = Date.parse('2026-03-14T09:00:00Z');
    const small = await startServer(
      { MAX_QUERY_COST: '100', RATE_LIMIT_ANON_MAX: '100', RATE_LIMIT_MAX: '100', RATE_LIMIT_RESTORE: '1' },
      { clock: () => now },
    );
    const call = restClient(small);
    // 100 points: a list of 20 is 21, four of them 84, then one product 1: 15 left.
    for (let i = 0; i < 4; i++) expect((await call('/api/v1/products?limit=20')).status).toBe(200);
    expect((await call('/api/v1/products/prd_1')).status).toBe(200);
    const gql = await small.gql('{ products(first: 3) { nodes { id } } }');
    expect((gql.body as any).extensions.cost.throttleStatus.currentlyAvailable).toBe(11); // GraphQL saw REST's spending
    const refused = await call('/api/v1/products?limit=20');
    expectError(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body.error.retryAfterMs).toBeGreaterThan(0);
    expect(codesOf(await small.gql('{ products(first: 20) { nodes { id } } }'))).toEqual(['RATE_LIMITED']);
    // Validation failures cost nothing: they are refused before the bucket is charged.
    expectError(await call('/api/v1/products?limit=1000'), 400, 'BAD_USER_INPUT');
    await small.close();
  });
});
