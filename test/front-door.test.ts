/**
 * The front door (src/http/frontDoor.ts) answers response-cache hits from node:http before fastify. Its rule: the
 * same response as fastify's /graphql route, only sooner. Two servers over identical databases with one frozen
 * clock get the same requests in the same order: one with the front door, one without; every response must be
 * the same bytes (status, headers but Date, body: compressed bodies too), and the front door must have answered
 * exactly the hits it claims.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { bodyKey } from '../src/http/frontDoor.js';
import { signInAll } from './helpers/accounts.js';
import { rawRequest } from './helpers/rest.js';
import { startServer, type TestServer } from './helpers/server.js';

const now = Date.parse('2026-12-01T06:00:00Z');
const clock = () => now;

interface Req {
  method?: 'GET' | 'POST';
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

type Raw = Awaited<ReturnType<typeof rawRequest>>;

/** Sends one request to both servers; returns both responses and how many of A's the front door answered. */
async function both(pair: [TestServer, TestServer], { method = 'POST', path = '/graphql', headers = {}, body }: Req, own?: Record<string, string>[]) {
  const [front, route] = pair;
  const before = front.app.frontDoor!.answered();
  const opts = (i: number) => ({ method, headers: { ...(method === 'POST' && { 'content-type': 'application/json' }), ...headers, ...own?.[i] }, body });
  const a = await rawRequest(front.url + path, opts(0));
  const b = await rawRequest(route.url + path, opts(1));
  return { a, b, answered: front.app.frontDoor!.answered() - before };
}

/** Status, headers (but Date) and body bytes equal. */
function expectSame(a: Raw, b: Raw) {
  const { date: _a, ...ha } = a.headers;
  const { date: _b, ...hb } = b.headers;
  expect({ status: a.status, headers: ha }).toEqual({ status: b.status, headers: hb });
  expect(a.body.equals(b.body), `bodies differ:\n${a.body.toString('latin1').slice(0, 300)}\n${b.body.toString('latin1').slice(0, 300)}`).toBe(true);
}

/** Two servers over identical databases on the frozen clock, the first with the front door; a buyer's token on each. */
async function startPair(env: Record<string, string>) {
  const pair: [TestServer, TestServer] = [await startServer(env, { clock }), await startServer(env, { clock, frontDoor: false })];
  // Each server signs its own tokens; the same charges to the same buckets on both.
  const buyers: [Record<string, string>, Record<string, string>] = [(await signInAll(pair[0])).buyer, (await signInAll(pair[1])).buyer];
  return { pair, buyers };
}

const post = (query: string, variables?: Record<string, unknown>) => JSON.stringify({ query, variables });
/** A catalog page well over the 1 KB compression threshold. */
const PAGE = post('query Page($n: Int) { products(first: $n) { nodes { id title description price { amount currency } } } }', { n: 8 });
/** One over the 8 KiB up to which bodies are compressed at once. */
const LARGE = post('query Page($n: Int) { products(first: $n) { nodes { id title description price { amount currency } } } }', { n: 40 });

describe('a hit is answered before fastify with the bytes the route would send', () => {
  let pair: [TestServer, TestServer];
  let buyers: [Record<string, string>, Record<string, string>];
  beforeAll(async () => {
    ({ pair, buyers } = await startPair({ RESPONSE_CACHE: 'on', CORS_ORIGINS: 'https://shop.example' }));
  });

  const variants: [string, Req][] = [
    ['no Accept-Encoding', {}],
    ['gzip', { headers: { 'accept-encoding': 'gzip' } }],
    ['br', { headers: { 'accept-encoding': 'br' } }],
    ["a browser's list", { headers: { 'accept-encoding': 'gzip, deflate, br' } }],
    ['gzip preferred by weight', { headers: { 'accept-encoding': 'br;q=0.5, gzip;q=1' } }],
    ['any (*)', { headers: { 'accept-encoding': '*' } }],
    ['identity only', { headers: { 'accept-encoding': 'identity' } }],
    ['x-no-compression', { headers: { 'accept-encoding': 'gzip', 'x-no-compression': '1' } }],
    ['an allowed origin', { headers: { origin: 'https://shop.example' } }],
    ['an origin not allowed', { headers: { origin: 'https://evil.example' } }],
    ['a charset on the content type', { headers: { 'content-type': 'application/json; charset=utf-8' } }],
    ['a body over 8 KiB, br (compressed as a stream, chunked)', { body: LARGE, headers: { 'accept-encoding': 'br' } }],
    ['a body over 8 KiB, gzip', { body: LARGE, headers: { 'accept-encoding': 'gzip' } }],
  ];
  it.each(variants)('%s', async (_name, req) => {
    const first = await both(pair, { body: PAGE, ...req });
    expectSame(first.a, first.b);
    const hit = await both(pair, { body: PAGE, ...req });
    expectSame(hit.a, hit.b);
    expect(hit.a.headers['x-cache']).toBe('HIT');
    expect(hit.answered).toBe(1);
    if (req.body === LARGE) expect(hit.a.headers['transfer-encoding']).toBe('chunked');
  });

  it('two bodies that share a memo key are each answered as themselves', async () => {
    // The same length, differing in one byte the key does not sample: found by lengthening both with spaces.
    const page = (pad: number, n: number) => post(`{ products(first: ${n}) { nodes { id title } } }${' '.repeat(pad)}`);
    const pad = Array.from({ length: 40 }, (_, i) => i).find((i) => bodyKey(Buffer.from(page(i, 3))) === bodyKey(Buffer.from(page(i, 4))));
    expect(pad).toBeDefined();
    const [a, b] = [page(pad!, 3), page(pad!, 4)];
    for (const body of [a, a, b, b, a]) {
      const sent = await both(pair, { body });
      expectSame(sent.a, sent.b);
    }
    const products = async (body: string) => JSON.parse((await both(pair, { body })).a.body.toString()).data.products.nodes.length;
    expect([await products(a), await products(b)]).toEqual([3, 4]);
  });

  it('a private hit, for the caller who stored it', async () => {
    const body = post('{ viewer { id email orders(first: 2) { totalCount } } }');
    await both(pair, { body }, buyers);
    const hit = await both(pair, { body }, buyers);
    expectSame(hit.a, hit.b);
    expect(hit.a.headers['cache-control']).toMatch(/private/);
    expect(hit.answered).toBe(1);
  });

  it('a GET, with the text or with a persisted query hash alone', async () => {
    const query = '{ categories { id name } }';
    const hash = createHash('sha256').update(query).digest('hex');
    const ext = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }));
    const preflight = { 'apollo-require-preflight': 'true' };
    const register = await both(pair, { method: 'GET', path: `/graphql?query=${encodeURIComponent(query)}&extensions=${ext}`, headers: preflight });
    expectSame(register.a, register.b);
    expect(register.answered).toBe(0); // registering a persisted query is the route's
    const byText = await both(pair, { method: 'GET', path: `/graphql?query=${encodeURIComponent(query)}`, headers: preflight });
    expectSame(byText.a, byText.b);
    const byHash = await both(pair, { method: 'GET', path: `/graphql?extensions=${ext}`, headers: preflight });
    expectSame(byHash.a, byHash.b);
    expect([byText.a.headers['x-cache'], byHash.a.headers['x-cache']]).toEqual(['HIT', 'HIT']);
    expect(byText.answered + byHash.answered).toBe(2);
  });
});

describe('everything else reaches fastify as it was sent', () => {
  let pair: [TestServer, TestServer];
  beforeAll(async () => {
    pair = [await startServer({ RESPONSE_CACHE: 'on' }, { clock }), await startServer({ RESPONSE_CACHE: 'on' }, { clock, frontDoor: false })];
  });

  const cases: [string, Req][] = [
    ['a miss (its body replayed to the route)', { body: post('{ product(id: "prd_7") { id title } }') }],
    ['a mutation', { body: post('mutation { logIn(email: "nobody@example.com", password: "wrong-password") { accessToken } }') }],
    ['JSON that does not parse', { body: '{"query": "{ categories { id } }"' }],
    ['a prototype-poisoning key', { body: '{"query": "{ categories { id } }", "__proto__": {"x": 1}}' }],
    ['a body that is not an object', { body: '["{ categories { id } }"]' }],
    ['a bad token', { body: post('{ categories { id } }'), headers: { authorization: 'Bearer not-a-token' } }],
    ['a cross-site simple request', { body: post('{ categories { id } }'), headers: { 'content-type': 'text/plain' } }],
    ['a JSON nesting too deep', { body: post('query($v: JSON) { categories { id } }', { v: JSON.parse('['.repeat(40) + ']'.repeat(40)) }) }],
    ['a document over the free size', { body: post(`{ categories { id } } # ${'x'.repeat(3000)}`) }],
    ['a body over the front door’s 16 KiB', { body: post('{ categories { id } }', { pad: 'y'.repeat(20_000) }) }],
  ];
  it.each(cases)('%s', async (_name, req) => {
    const { a, b, answered } = await both(pair, req);
    expectSame(a, b);
    expect(a.headers['x-cache']).not.toBe('HIT');
    expect(answered).toBe(0);
  });

  it('a hit the front door may not read (a large document or body) is still the route’s hit', async () => {
    for (const body of [post(`{ categories { id } } # ${'z'.repeat(3000)}`), post('{ categories { name } }', { pad: 'w'.repeat(20_000) })]) {
      await both(pair, { body });
      const { a, b, answered } = await both(pair, { body });
      expectSame(a, b);
      expect(a.headers['x-cache']).toBe('HIT');
      expect(answered).toBe(0);
    }
  });
});

describe('a hit charges the caller as the route does', () => {
  it('the same bucket levels hit after hit, and the same 429 once it is empty', async () => {
    const env = { RESPONSE_CACHE: 'on', RATE_LIMIT_ANON_MAX: '1000', RATE_LIMIT_MAX: '2000' };
    const pair: [TestServer, TestServer] = [await startServer(env, { clock }), await startServer(env, { clock, frontDoor: false })];
    const body = post('{ products(first: 100) { nodes { id } } }'); // 101 points a request, no refund
    const statuses: number[] = [];
    let answered = 0;
    for (let i = 0; i < 12; i++) {
      const r = await both(pair, { body });
      expectSame(r.a, r.b);
      statuses.push(r.a.status);
      answered += r.answered;
    }
    expect(statuses.slice(0, 9).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(answered).toBe(11); // all but the first (the miss) were the front door's, refusals included
  });
});

describe('operations already seen (the fast path) are answered before fastify with the same bytes', () => {
  let pair: [TestServer, TestServer];
  let buyers: [Record<string, string>, Record<string, string>];
  beforeAll(async () => {
    ({ pair, buyers } = await startPair({ RESPONSE_CACHE: 'off', CORS_ORIGINS: 'https://shop.example' }));
    for (const server of pair) await server.sql.run('UPDATE products SET stock = 1 WHERE id = 9');
  });

  const variants: [string, Req][] = [
    ['plain', {}],
    ['compressed, from an allowed origin', { headers: { 'accept-encoding': 'gzip, deflate, br', origin: 'https://shop.example' } }],
    ['a GET with the preflight header', { method: 'GET', path: `/graphql?query=${encodeURIComponent('{ categories { id name slug } }')}`, headers: { 'apollo-require-preflight': 'true' } }],
  ];
  it.each(variants)('a query: %s', async (_name, req) => {
    // A text of its own per variant (a comment), so the first request is the document's first sight.
    const text = `query Page($n: Int) { products(first: $n) { nodes { id title description price { amount currency } } } } # ${_name}`;
    const r = req.method === 'GET' ? req : { body: post(text, { n: 8 }), ...req };
    const first = await both(pair, r); // Apollo, first sight
    expectSame(first.a, first.b);
    expect(first.answered).toBe(0);
    const again = await both(pair, r);
    expectSame(again.a, again.b);
    expect(again.answered).toBe(1);
  });

  it('a mutation, its replay and its refusal', async () => {
    const buy = (key: string) =>
      post('mutation Buy($key: String!) { placeOrder(input: { items: [{ productId: "prd_9", quantity: 1 }], idempotencyKey: $key }) { id status total { formatted } } }', { key });
    const placed = await both(pair, { body: buy('a') }, buyers); // Apollo, first sight
    expectSame(placed.a, placed.b);
    const replayed = await both(pair, { body: buy('a') }, buyers);
    const refused = await both(pair, { body: buy('b') }, buyers); // out of stock now
    for (const r of [replayed, refused]) {
      expectSame(r.a, r.b);
      expect(r.answered).toBe(1);
    }
    expect(JSON.parse(refused.a.body.toString()).errors[0].extensions.code).toBe('OUT_OF_STOCK');
  });
});
