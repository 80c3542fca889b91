/**
 * Attacks on the query guard. Each is refused with QUERY_TOO_COMPLEX (or HTTP 413) naming the limit, before any
 * resolver runs: the SQL statement count of the refused request is zero. Beside each, the largest query the same
 * limit lets through, so no refusal here passes by refusing everything.
 */
import { parse, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXED_LIMITS, queryLimits } from '../src/plugins/queryCost/index.js';
import { shapeRefusal } from '../src/plugins/queryCost/limits.js';
import { measureShape } from '../src/plugins/queryCost/shape.js';
import { loadConfig } from '../src/config/index.js';
import { codesOf, dataOf, startServer, type GraphQLResponse, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer(); // buckets of plenty: only the guard, never the rate limit, refuses here
});

/** Sends `body` as JSON, counting the SQL statements the server runs meanwhile. */
async function post(body: unknown): Promise<{ status: number; json: any; statements: number }> {
  const { result, statements } = await server.countSql(async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  });
  return { ...result, statements };
}

async function refused(query: string, variables?: Record<string, unknown>) {
  const { result, statements } = await server.countSql(() => server.gql(query, variables));
  expect(statements).toBe(0);
  expect(result.status).toBe(400);
  expect(codesOf(result)).toEqual(['QUERY_TOO_COMPLEX']);
  expect(result.body.data).toBeUndefined();
  // The error's extensions, and the response's extensions.cost as `response`.
  return { ...result.body.errors![0]!.extensions!, response: (result.body as any).extensions?.cost } as Record<string, any>;
}

const costOf = (res: GraphQLResponse) => (res.body as any).extensions.cost;

describe('cost: over MAX_QUERY_COST is refused, naming its cost and the limit', () => {
  it('nested lists: products × reviews × the author’s reviews', async () => {
    const ext = await refused(`{ products(first: 100) { nodes { reviews(first: 100) { nodes {
      author { reviews(first: 100) { nodes { title } } } } } } } }`);
    // 1 + 100 × (1 + 1 + 100 × (1 + 1 + 1 + 100 × 1))
    expect(ext).toMatchObject({ limit: 'cost', cost: 1_030_201, max: 1000 });
  });

  it('the same attack spread through fragments, inline fragments and aliases', async () => {
    const ext = await refused(`{ a: products(first: 100) { ...Deep } b: products(first: 100) { ...Deep } }
      fragment Deep on ProductConnection { nodes { ... on Product { reviews(first: 100) { nodes { ...Review } } } } }
      fragment Review on Review { title author { name } }`);
    // each alias: 1 + 100 × (1 + 1 + 100 × (1 + 1))
    expect(ext).toMatchObject({ limit: 'cost', cost: 2 * 20_201, max: 1000 });
  });

  it('variables decide: the same document runs at 997 points and is refused at 1009', async () => {
    const q = 'query($n: Int) { products(first: $n) { nodes { reviews(first: 10) { nodes { title } } } } }';
    const ok = await server.gql(q, { n: 83 });
    expect(dataOf<any>(ok).products.nodes).toHaveLength(83);
    expect(costOf(ok).requestedQueryCost).toBe(1 + 83 * 12);
    expect(await refused(q, { n: 84 })).toMatchObject({ limit: 'cost', cost: 1 + 84 * 12, max: 1000 });
  });

  it('a refused query still reports extensions.cost, with nothing charged', async () => {
    const before = costOf(await server.gql('{ __typename }')).throttleStatus.currentlyAvailable;
    const ext = await refused('{ products(first: 100) { nodes { reviews(first: 100) { nodes { title } } } } }');
    expect(ext.response).toMatchObject({ requestedQueryCost: 1 + 100 * 102, actualQueryCost: 0, limit: 1000 });
    expect(ext.response.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(before);
  });
});

describe('depth: more than MAX_QUERY_DEPTH levels of field nesting is refused', () => {
  // Each round adds three levels: seller → products → nodes. Cheap: every list asks for one item.
  const nested = (rounds: number, leaf: string) =>
    '{ product(id: "prd_1") { ' + 'seller { products(first: 1) { nodes { '.repeat(rounds) + leaf + ' }'.repeat(rounds * 3) + ' } }';

  it('12 levels run; 13 are refused though they cost 13 points', async () => {
    // product + 3 × 3 + seller + name = 12
    const twelve = await server.gql(nested(3, 'seller { name }'));
    expect(dataOf<any>(twelve).product).not.toBeNull();
    const ext = await refused(nested(3, 'seller { products(first: 1) { totalCount } }'));
    expect(ext).toMatchObject({ limit: 'depth', depth: 13, max: 12 });
    expect(ext.response.requestedQueryCost).toBeLessThan(20);
  });

  it('depth counts through fragments', async () => {
    const ext = await refused(`{ product(id: "prd_1") { ...A } }
      fragment A on Product { seller { products(first: 1) { nodes { ...B } } } }
      fragment B on Product { seller { products(first: 1) { nodes { ...A2 } } } }
      fragment A2 on Product { seller { products(first: 1) { nodes { seller { products(first: 1) { nodes { id } } } } } } }`);
    expect(ext).toMatchObject({ limit: 'depth', depth: 14, max: 12 });
  });

  it('MAX_QUERY_DEPTH sets the limit', async () => {
    const shallow = await startServer({ MAX_QUERY_DEPTH: '3' });
    const res = await shallow.gql('{ product(id: "prd_1") { seller { products(first: 1) { totalCount } } } }');
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', depth: 4, max: 3 });
    await shallow.close();
  });
});

describe('aliases: more than 50 is refused, however cheap', () => {
  const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;

  it('an alias bomb of 51 free fields is refused; 50 run', async () => {
    expect(dataOf<any>(await server.gql(aliases(50))).a49).toBe('Query');
    expect(await refused(aliases(51))).toMatchObject({ limit: 'aliases', aliases: 51, max: FIXED_LIMITS.aliases });
  });

  it('aliases in a fragment count each time it is spread', async () => {
    const fields = Array.from({ length: 25 }, (_, i) => `t${i}: title`).join(' ');
    const ext = await refused(`{ a: product(id: "prd_1") { ...F } b: product(id: "prd_2") { ...F } }
      fragment F on Product { ${fields} }`);
    expect(ext).toMatchObject({ limit: 'aliases', aliases: 52 });
  });
});

describe('fragment fan-out: too many selections once fragments are spread', () => {
  it('five fragments each spreading the next ten times (10^4 selections) are refused', async () => {
    const spread = (name: string) => Array.from({ length: 10 }, () => `...${name}`).join(' ');
    const fragments = [1, 2, 3, 4].map((i) => `fragment F${i} on Query { ${spread(`F${i + 1}`)} }`).join('\n');
    const ext = await refused(`{ ...F1 }\n${fragments}\nfragment F5 on Query { categories { name } }`);
    expect(ext).toMatchObject({ limit: 'selections', max: FIXED_LIMITS.selections });
    expect(ext.response.requestedQueryCost).toBeNull();
  });
});

describe('directives: more than 10 on one field is refused', () => {
  // Only @skip and @include can appear on a field today, each once (graphql-js validation refuses a repeat),
  // so the limit is checked on the operation's shape directly.
  const shapeOf = (query: string) => {
    const document = parse(query);
    return measureShape(document, document.definitions[0] as OperationDefinitionNode);
  };
  const limits = queryLimits(loadConfig({}));

  it('11 directives on a field break the limit; 10 do not', () => {
    const field = (n: number) => `{ a: __typename ${Array.from({ length: n }, (_, i) => `@d${i}`).join(' ')} }`;
    expect(shapeRefusal(shapeOf(field(10)), limits)).toBeUndefined();
    expect(shapeRefusal(shapeOf(field(11)), limits)?.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'directives',
      directives: 11,
      max: 10,
    });
  });

  it('a repeated directive is refused by validation before any SQL', async () => {
    const { result, statements } = await server.countSql(() =>
      server.gql(`{ products(first: 1) { nodes { id ${'@include(if: true) '.repeat(50)} } } }`),
    );
    expect(statements).toBe(0);
    expect(new Set(codesOf(result))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
  });
});

describe('tokens: a document over 10,000 tokens is refused while parsing; a body over 256 KB with 413', () => {
  it('10,001 tokens in 30 KB are refused as QUERY_TOO_COMPLEX naming the tokens limit', async () => {
    const ext = await refused(`{ ${'__typename '.repeat(FIXED_LIMITS.tokens)} }`);
    expect(ext).toMatchObject({ limit: 'tokens', max: 10_000 });
  });

  it('a document of a million tokens never reaches the parser: HTTP 413', async () => {
    const res = await post({ query: `{ ${'a '.repeat(1_000_000)}}` });
    expect(res.status).toBe(413);
    expect(res.statements).toBe(0);
  });

  it('any body over 256 KB is HTTP 413, with no SQL', async () => {
    const res = await post({ query: '{ __typename }', variables: { pad: 'x'.repeat(256 * 1024) } });
    expect(res.status).toBe(413);
    expect(res.statements).toBe(0);
  });
});

describe('batching: up to 10 operations, costed as one request', () => {
  const page = '{ products(first: 100) { nodes { id } } }'; // 101 points

  it('a batch of 11 operations is refused whole', async () => {
    const res = await post(Array.from({ length: 11 }, () => ({ query: '{ __typename }' })));
    expect(res.status).toBe(400);
    expect(res.statements).toBe(0);
    expect(res.json.errors[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'batch', batch: 11, max: 10 });
  });

  it('ten cheap operations adding up to more than the limit are all refused before any SQL', async () => {
    const res = await post(Array.from({ length: 10 }, () => ({ query: page })));
    expect(res.status).toBe(400);
    expect(res.statements).toBe(0);
    expect(res.json).toHaveLength(10);
    for (const op of res.json) {
      expect(op.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', cost: 1010, max: 1000 });
      expect(op.extensions.cost).toMatchObject({ requestedQueryCost: 101, actualQueryCost: 0 });
    }
  });

  it('nine of them run, each answered in order with its own cost', async () => {
    const res = await post([...Array.from({ length: 8 }, () => ({ query: page })), { query: '{ categories { id } }' }]);
    expect(res.status).toBe(200);
    expect(res.json.map((op: any) => op.extensions.cost.requestedQueryCost)).toEqual([...Array(8).fill(101), 20]);
    expect(res.json[8].data.categories).toHaveLength(20);
  });

  it('an operation of a batch that fails to validate does not hold up the others', async () => {
    const res = await post([{ query: page }, { query: '{ nope }' }, { query: '{' }]);
    expect(res.json.map((op: any) => op.errors?.[0]?.extensions?.code ?? 'ok')).toEqual([
      'ok',
      'GRAPHQL_VALIDATION_FAILED',
      'GRAPHQL_PARSE_FAILED',
    ]);
    expect(res.json[0].data.products.nodes).toHaveLength(100);
  });

  it('a batch with a malformed element is refused whole, and none of it runs', async () => {
    const res = await post([{ query: page }, { query: page, variables: 'not an object' }]);
    expect(res.status).toBe(400);
    expect(res.statements).toBe(0);
  });
});

describe('in production the refusals keep their code and numbers, and nothing more', () => {
  it('QUERY_TOO_COMPLEX for cost and tokens, without stack traces', async () => {
    const prod = await startServer({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-32-chars!!' });
    const cost = await prod.gql('{ products(first: 100) { nodes { reviews(first: 100) { nodes { title } } } } }');
    expect(cost.body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', cost: 10_201, max: 1000 });
    const tokens = await prod.gql(`{ ${'__typename '.repeat(10_001)} }`);
    expect(tokens.body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens', max: 10_000 });
    await prod.close();
  });
});
