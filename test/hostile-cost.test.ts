/**
 * Hostile traffic (issue 11), what it costs: connections pay for the rows they read whatever is selected, a
 * full-text search and its count pay what they scan, introspection pays by size, and a document pays for its
 * parsing and validation by size before either runs, over HTTP and WebSocket alike. The numbers are the README's
 * cost model ("Query cost and rate limits").
 */
import { getIntrospectionQuery } from 'graphql';
import { createClient } from 'graphql-ws';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { codesOf, startServer, type GraphQLResponse, type TestServer } from './helpers/server.js';

const costOf = (res: GraphQLResponse) => (res.body as any).extensions?.cost;

describe('connections cost their `first` items whatever is selected; search and its count what they scan (item 3)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });

  it('edges { cursor } and pageInfo alone read the rows: 1 + 100', async () => {
    const cursors = await server.gql('{ products(first: 100) { edges { cursor } } }');
    expect(costOf(cursors)).toMatchObject({ requestedQueryCost: 101, actualQueryCost: 101 });
    const page = await server.gql('{ products(first: 100) { pageInfo { endCursor } } }');
    expect(costOf(page)).toMatchObject({ requestedQueryCost: 101, actualQueryCost: 101 });
  });

  it('a search costs 50 for the page and 50 again for totalCount', async () => {
    const res = await server.gql('{ products(first: 3, filter: { search: "a" }) { totalCount } }');
    // 1 (connection) + 50 (search) + 1 (totalCount) + 50 (its search) + 3 items
    expect(costOf(res)).toMatchObject({ requestedQueryCost: 105 });
    const page = await server.gql('{ products(first: 3, filter: { search: "a" }) { nodes { id } } }');
    expect(costOf(page)).toMatchObject({ requestedQueryCost: 1 + 50 + 3 });
  });

  it('the batch of 10 × 50 aliased cursor pages is refused before any SQL runs', async () => {
    const op = `{ ${Array.from({ length: 50 }, (_, i) => `a${i}: products(first: 100) { edges { cursor } }`).join(' ')} }`;
    const { result, statements } = await server.countSql(async () => {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(Array.from({ length: 10 }, () => ({ query: op }))),
      });
      return (await res.json()) as any[];
    });
    expect(statements).toBe(0);
    expect(result[0].errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', cost: 10 * 50 * 101 });
  });

  it('introspection costs by size: the full introspection query fits the limit, 50 aliases of it do not', async () => {
    const full = await server.gql(getIntrospectionQuery());
    expect(full.status).toBe(200);
    const { requestedQueryCost, actualQueryCost } = costOf(full);
    expect(requestedQueryCost).toBeGreaterThan(200);
    expect(requestedQueryCost).toBeLessThanOrEqual(1000);
    expect(actualQueryCost).toBeGreaterThan(100);
    const aliased = `{ ${Array.from({ length: 50 }, (_, i) => `s${i}: __schema { types { name fields { name type { name } } } }`).join(' ')} }`;
    const refused = await server.gql(aliased);
    expect(codesOf(refused)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(refused.body.errors![0]!.extensions).toMatchObject({ limit: 'cost' });
  });
});

describe('parsing and validation are paid by size before they run, HTTP and WebSocket alike (item 6)', () => {
  let server: TestServer;
  const now = 1_800_000_000_000; // a frozen clock: buckets do not refill during the test
  beforeAll(async () => {
    server = await startServer({ RATE_LIMIT_ANON_MAX: '1000', RATE_LIMIT_RESTORE: '100' }, { clock: () => now });
  });
  const available = async () => costOf(await server.gql('{ __typename }')).throttleStatus.currentlyAvailable as number;
  // 25,600 characters of comment around an invalid selection: ⌈(length − 2048) / 1024⌉ points.
  const invalid = (i: number) => `# ${i} ${'x'.repeat(25_600)}\n{ noSuchField }`;
  const price = (text: string) => Math.ceil((text.length - 2048) / 1024);

  it('a 25 KB invalid document costs its price; a few dozen empty an anonymous bucket', async () => {
    const before = await available();
    expect(before).toBe(1000);
    const first = await server.gql(invalid(0));
    expect(codesOf(first)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(await available()).toBe(before - price(invalid(0)));
    let sent = 1;
    let res = first;
    while (res.status !== 429 && sent < 100) res = await server.gql(invalid(sent++));
    expect(res.status).toBe(429);
    expect(codesOf(res)).toEqual(['RATE_LIMITED']);
    expect(sent).toBeLessThanOrEqual(Math.ceil(1000 / price(invalid(0))) + 1);
  });

  it('over WebSocket, the same document spends the same price from the same bucket', async () => {
    const ws = await startServer({ RATE_LIMIT_ANON_MAX: '1000', RATE_LIMIT_RESTORE: '100' }, { clock: () => now });
    const client = createClient({ url: ws.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    try {
      const doc = `# ${'x'.repeat(25_600)}\nsubscription { noSuchField }`;
      const errors = await new Promise<any[]>((resolve) => {
        client.subscribe({ query: doc }, { next: () => {}, error: (e) => resolve(e as any[]), complete: () => resolve([]) });
      });
      expect(errors.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      const res = await ws.gql('{ __typename }');
      // The connection's own price (WS_CONNECTION_COST) and the document's.
      expect(costOf(res).throttleStatus.currentlyAvailable).toBe(1000 - ws.app.deps.config.websocket.connectionCost - price(doc));
    } finally {
      await client.dispose();
    }
  });
});
