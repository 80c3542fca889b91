/**
 * The route's fast path (src/http/fastPath.ts) is an optimization, not a behaviour: a query Apollo has served once
 * is answered the second time without Apollo's pipeline, with the same status, headers, data, errors, costs, bucket
 * charges, log facts and deprecation counts. Anything else still goes through Apollo.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers/server.js';

const PRODUCT_PAGE = `query ProductPage($id: ID!) {
  product(id: $id) {
    id title description brand images
    price { formatted } mrp { formatted } discountPercent inStock rating reviewCount
    seller { id name city rating }
    reviews(first: 5, sort: RATING_DESC) { nodes { id rating title body createdAt author { name } } }
  }
}`;

/** [what, query, variables, whether the second request may skip Apollo] */
const CASES: [string, string, Record<string, unknown> | undefined, boolean][] = [
  ['the product page', PRODUCT_PAGE, { id: 'prd_2' }, true],
  [
    'a category listing with connections, cursors and a deprecated field',
    `query Listing($cat: ID!) { products(first: 6, filter: { categoryId: $cat }) { totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id title price { formatted } seller { name rating } reviews(first: 2, sort: RATING_DESC) { nodes { rating author { name } } } } } } }`,
    { cat: 'cat_1' },
    true,
  ],
  ['a node through an interface', '{ node(id: "prd_3") { __typename ... on Product { title } } seller: node(id: "sel_1") { id } }', undefined, true],
  ['a product that does not exist (null, no error)', 'query($id: ID!) { product(id: $id) { title } }', { id: 'prd_999999' }, true],
  [
    'fragments and aliases',
    `{ cheap: products(first: 3, sort: PRICE_ASC) { ...Item } dear: products(first: 3, sort: PRICE_DESC) { ...Item } }
     fragment Item on ProductConnection { edges { cursor node { id __typename createdAt inStock } } }`,
    undefined,
    true,
  ],
  ['@include (policy decided field by field: Apollo)', 'query($s: Boolean!) { products(first: 2) { nodes { title seller @include(if: $s) { name } } } }', { s: true }, false],
  ['a bad ID (errors: Apollo)', '{ product(id: "nope") { id } }', undefined, false],
  ['a bad argument beside good data (errors: Apollo)', '{ categories { slug } products(first: 101) { totalCount } }', undefined, false],
  ['a private field anonymously (errors: Apollo)', '{ categories { slug } order(id: "ord_1") { id } }', undefined, false],
  ['a query over the cost limit (refused: Apollo)', '{ products(first: 100) { nodes { reviews(first: 100) { nodes { id } } } } }', undefined, false],
];

/** What a client sees, less the bucket's level (which moves between requests). */
function seen(res: { status: number; headers: Headers; body: any }) {
  const { throttleStatus, ...cost } = res.body.extensions?.cost ?? {};
  return {
    status: res.status,
    headers: Object.fromEntries(['content-type', 'cache-control', 'x-cache', 'cache-tag', 'age'].map((h) => [h, res.headers.get(h)])),
    body: { ...res.body, extensions: res.body.extensions && { cost: { ...cost, throttleStatus: { ...throttleStatus, currentlyAvailable: 0 } } } },
  };
}

// Both ways the fast path executes a query: on the event loop, and on an execution thread (SQLite).
for (const threads of ['0', '1']) describe(`the fast path answers as Apollo does (EXECUTION_THREADS=${threads})`, () => {
  const env = { NODE_ENV: 'production', JWT_SECRET: 'e'.repeat(40), RESPONSE_CACHE: 'off', EXECUTION_THREADS: threads };
  let server: TestServer;
  let apolloCalls = 0;
  beforeAll(async () => {
    server = await startServer(env);
    await server.app.threads?.ready();
    const apollo = server.app.apollo;
    const execute = apollo.executeHTTPGraphQLRequest.bind(apollo);
    apollo.executeHTTPGraphQLRequest = (request) => {
      apolloCalls++;
      return execute(request);
    };
  });

  it.each(CASES)('%s', async (_, query, variables, fast) => {
    const before = apolloCalls;
    const first = await server.gql(query, variables);
    const afterFirst = apolloCalls;
    const onThreads = server.app.threads?.executed() ?? 0;
    const second = await server.gql(query, variables);
    const third = await server.gql(query, variables);
    expect(afterFirst - before).toBe(1); // first sight: Apollo
    expect(apolloCalls - afterFirst).toBe(fast ? 0 : 2);
    // With a thread, the fast path's queries ran there (the others never reach it: Apollo answered them with errors).
    if (server.app.threads) expect(server.app.threads.executed() - onThreads).toBe(fast ? 2 : 0);
    expect(seen(second)).toEqual(seen(first));
    expect(seen(third)).toEqual(seen(first));
  });

  it('charges the requested cost and refunds the unused part, as Apollo does', async () => {
    // A stopped clock: the bucket does not refill between requests, so each takes exactly its actual cost.
    const frozen = await startServer(env, { clock: () => 1_800_000_000_000 });
    await frozen.app.threads?.ready();
    const levels: number[] = [];
    const actual: number[] = [];
    for (let i = 0; i < 3; i++) {
      const cost = ((await frozen.gql(PRODUCT_PAGE, { id: 'prd_5' })).body as any).extensions.cost;
      expect(cost.requestedQueryCost).toBeGreaterThan(cost.actualQueryCost);
      levels.push(cost.throttleStatus.currentlyAvailable);
      actual.push(cost.actualQueryCost);
    }
    expect(levels[0]! - levels[1]!).toBe(actual[1]); // the second request, on the fast path
    expect(levels[1]! - levels[2]!).toBe(actual[2]);
    expect(actual[1]).toBe(actual[0]);
  });

  it('answers GET queries (with the preflight header) and bad variables as Apollo does', async () => {
    const url = (variables: unknown) =>
      `${server.url}/graphql?${new URLSearchParams({ query: PRODUCT_PAGE, variables: JSON.stringify(variables) })}`;
    const get = async (variables: unknown) => {
      const res = await fetch(url(variables), { headers: { 'apollo-require-preflight': 'true' } });
      return seen({ status: res.status, headers: res.headers, body: await res.json() });
    };
    const first = await get({ id: 'prd_7' });
    const calls = apolloCalls;
    expect(await get({ id: 'prd_7' })).toEqual(first);
    expect(apolloCalls).toBe(calls);
    const bad = await get({ id: { not: 'an id' } });
    expect(bad.status).toBe(400);
    expect(apolloCalls).toBe(calls + 1);
  });

  it('names the operation and its cost for the request log, and counts deprecated fields', async () => {
    const metric = async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return Number(/graphql_deprecated_field_usage_total\{coordinate="Product.rating"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const durations = async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return Number(/http_request_duration_seconds_count\{operation="ProductPage",status="200"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const [deprecated, count] = [await metric(), await durations()];
    await server.gql(PRODUCT_PAGE, { id: 'prd_8' });
    await server.gql(PRODUCT_PAGE, { id: 'prd_8' });
    expect(await metric()).toBe(deprecated + 2);
    expect(await durations()).toBe(count + 2);
  });
});

describe('mutations on the fast path answer as Apollo does, errors included', () => {
  const BUY = `mutation Buy($productId: ID!, $key: String!) {
    placeOrder(input: { items: [{ productId: $productId, quantity: 1 }], idempotencyKey: $key }) { id status total { formatted } } }`;

  for (const cache of ['off', 'on']) {
    it(`placeOrder, its replay, and its refusals (response cache ${cache})`, async () => {
      const server = await startServer({ NODE_ENV: 'production', JWT_SECRET: 'e'.repeat(40), RESPONSE_CACHE: cache });
      let apolloCalls = 0;
      const apollo = server.app.apollo;
      const execute = apollo.executeHTTPGraphQLRequest.bind(apollo);
      apollo.executeHTTPGraphQLRequest = (request) => {
        apolloCalls++;
        return execute(request);
      };
      const login = await server.gql('mutation { logIn(email: "buyer@example.com", password: "demo-password") { accessToken } }');
      const auth = { authorization: `Bearer ${(login.body as any).data.logIn.accessToken}` };
      await server.sql.run('UPDATE products SET stock = 2 WHERE id = 5');
      await server.sql.run('UPDATE products SET stock = 0 WHERE id = 6');

      // Placed (Apollo, first sight), then the same key replayed (fast path): the same order, nothing taken twice.
      const placed = await server.gql(BUY, { productId: 'prd_5', key: 'k1' }, auth);
      const calls = apolloCalls;
      const replayed = await server.gql(BUY, { productId: 'prd_5', key: 'k1' }, auth);
      expect(apolloCalls).toBe(calls);
      expect(seen(replayed)).toEqual(seen(placed));
      expect((replayed.body as any).data.placeOrder.status).toBe('CREATED');
      // A new order on the fast path takes the last unit; the cache (when on) shows it at once.
      const second = await server.gql(BUY, { productId: 'prd_5', key: 'k2' }, auth);
      expect((second.body as any).data.placeOrder.id).not.toBe((placed.body as any).data.placeOrder.id);
      expect(apolloCalls).toBe(calls);
      expect((await server.gql('{ product(id: "prd_5") { stock } }')).body.data).toEqual({ product: { stock: 0 } });

      // Refusals, first through Apollo (a fresh server's first sight), then on the fast path: the same answers.
      const refusals: [Record<string, unknown>, Record<string, string>][] = [
        [{ productId: 'prd_6', key: 'k3' }, auth], // OUT_OF_STOCK
        [{ productId: 'prd_999999', key: 'k4' }, auth], // NOT_FOUND
        [{ productId: 'sel_1', key: 'k5' }, auth], // BAD_USER_INPUT
        [{ productId: 'prd_5', key: 'k6' }, {}], // UNAUTHENTICATED
      ];
      const reference = await startServer({ NODE_ENV: 'production', JWT_SECRET: 'e'.repeat(40), RESPONSE_CACHE: cache });
      const refLogin = await reference.gql('mutation { logIn(email: "buyer@example.com", password: "demo-password") { accessToken } }');
      const refAuth = { authorization: `Bearer ${(refLogin.body as any).data.logIn.accessToken}` };
      await reference.sql.run('UPDATE products SET stock = 0 WHERE id = 6');
      for (const [variables, headers] of refusals) {
        const before = apolloCalls;
        const fast = await server.gql(BUY, variables, headers);
        expect(apolloCalls).toBe(before);
        const viaApollo = await reference.gql(BUY, variables, headers.authorization ? refAuth : {});
        expect(fast.body.errors?.length).toBe(1);
        expect(seen(fast)).toEqual(seen(viaApollo));
      }
    });
  }
});
