/**
 * The typed REST client a consumer would generate: openapi-typescript types (src/generated/rest.ts, from the
 * document) under openapi-fetch. The types must be what the served document generates today, and a client
 * written against them walks the screens: a product page, then signing in, placing, reading and cancelling an
 * order. A route that drifts from the document fails here (at run time) or in `npm run typecheck` (the calls
 * below are type checked against the committed types).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import createClient from 'openapi-fetch';
import { beforeAll, describe, expect, it } from 'vitest';
import type { paths } from '../src/generated/rest.js';
import { restOpenApiDocument } from '../src/rest/index.js';
import { REST_TYPES_FILE, restTypes } from '../tools/contracts/restTypes.js';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let api: ReturnType<typeof createClient<paths>>;
beforeAll(async () => {
  server = await startServer();
  api = createClient<paths>({ baseUrl: `${server.url}/api/v1` });
});

describe('the generated REST types', () => {
  it('are what the served document generates (run `npm run rest:types` after changing a route)', async () => {
    const { data: served, response } = await api.GET('/openapi.json');
    expect(response.status).toBe(200);
    // The document the generator builds without a server is the one the server serves.
    expect(await restOpenApiDocument()).toEqual(served);
    expect(await restTypes(served!)).toBe(readFileSync(REST_TYPES_FILE, 'utf8'));
  }, 60_000);
});

describe('a client on openapi-fetch and the generated types', () => {
  it('walks a product page: listing, product, seller, reviews and their authors', async () => {
    const list = await api.GET('/products', { params: { query: { limit: 3, sort: 'RATING_DESC', inStock: true } } });
    expect(list.response.status).toBe(200);
    expect(list.data!.data).toHaveLength(3);
    const id = list.data!.data[0]!.id;

    const product = await api.GET('/products/{id}', { params: { path: { id } } });
    expect(product.data).toMatchObject({ id, price: { currency: 'INR' } });
    const { sellerId } = product.data!;
    const [seller, reviews] = await Promise.all([
      api.GET('/sellers/{id}', { params: { path: { id: sellerId } } }),
      api.GET('/products/{id}/reviews', { params: { path: { id }, query: { limit: 5 } } }),
    ]);
    expect(seller.data!.id).toBe(sellerId);
    expect(reviews.data!.data.length).toBeGreaterThan(0);
    const authors = await Promise.all(
      reviews.data!.data.map((r) => api.GET('/users/{id}', { params: { path: { id: r.authorId } } })),
    );
    for (const a of authors) expect(a.data!.name).toEqual(expect.any(String));

    // Errors come typed too: the contract's error body.
    const missing = await api.GET('/products/{id}', { params: { path: { id: 'prd_99999999' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error!.error.code).toBe('NOT_FOUND');
  });

  it('signs in, places an order, reads it and cancels it', async () => {
    const login = await api.POST('/auth/login', { body: { email: 'buyer@example.com', password: 'demo-password' } });
    expect(login.response.status).toBe(200);
    const headers = { authorization: `Bearer ${login.data!.accessToken}` };

    const placed = await api.POST('/orders', {
      params: { header: { 'idempotency-key': randomUUID() } },
      body: { items: [{ productId: 'prd_3', quantity: 1 }] },
      headers,
    });
    expect(placed.response.status).toBe(201);
    expect(placed.data).toMatchObject({ status: 'CREATED', buyerId: login.data!.userId });
    const orderId = placed.data!.id;

    const read = await api.GET('/orders/{id}', { params: { path: { id: orderId } }, headers });
    expect(read.data!.items).toEqual([expect.objectContaining({ productId: 'prd_3', quantity: 1 })]);
    expect(read.data!._links.cancel).toBeDefined();

    const cancelled = await api.POST('/orders/{id}/cancel', { params: { path: { id: orderId } }, headers });
    expect(cancelled.data!.status).toBe('CANCELLED');
    expect(cancelled.data!.events.map((e) => e.status)).toEqual(['CREATED', 'CANCELLED']);
  });
});
