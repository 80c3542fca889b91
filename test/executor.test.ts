/**
 * The executor is an optimization, not a behaviour: graphql-jit (the default), graphql-js with DataLoader
 * (EXECUTOR=graphql-js) and the unoptimized baseline (OPTIMIZATIONS=off) answer the same requests with the same
 * data, errors, cache hints and costs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers/server.js';

const SETUPS = {
  jit: {},
  'graphql-js': { EXECUTOR: 'graphql-js' },
  off: { OPTIMIZATIONS: 'off' },
};

/** [what, query, variables, the error codes every executor must answer with] */
const CASES: [string, string, Record<string, unknown> | undefined, string[]][] = [
  [
    'a nested listing',
    `query Listing($first: Int!) { products(first: $first, sort: RATING_DESC) { totalCount pageInfo { hasNextPage }
      nodes { id title price { formatted } seller { name rating } category { slug }
        reviews(first: 2) { nodes { rating author { name } } } } } }`,
    { first: 6 },
    [],
  ],
  ['a node through an interface', '{ node(id: "prd_3") { __typename ... on Product { title } } seller: node(id: "sel_1") { id } }', undefined, []],
  [
    'fragments, aliases, directives, enums and custom scalars',
    `query Page($withSeller: Boolean!) { cheap: products(first: 3, sort: PRICE_ASC) { ...Item } dear: products(first: 3, sort: PRICE_DESC) { ...Item } }
     fragment Item on ProductConnection { edges { cursor node { id __typename createdAt seller @include(if: $withSeller) { joinedAt } inStock } } }`,
    { withSeller: false },
    [],
  ],
  ['a bad ID (BAD_USER_INPUT)', '{ product(id: "nope") { id } }', undefined, ['BAD_USER_INPUT']],
  ['a bad argument beside good data (BAD_USER_INPUT)', '{ categories { slug } products(first: 101) { totalCount } }', undefined, ['BAD_USER_INPUT']],
  ['another user\'s private data (null email, UNAUTHENTICATED orders)', '{ user(id: "usr_1") { name email orders { totalCount } } }', undefined, ['UNAUTHENTICATED']],
  ['a private field anonymously (UNAUTHENTICATED, partial data)', '{ categories { slug } order(id: "ord_1") { id } }', undefined, ['UNAUTHENTICATED']],
  ['a bad variable (coercion error)', 'query($first: Int!) { products(first: $first) { totalCount } }', { first: 'many' }, ['BAD_USER_INPUT']],
  ['a query over the cost limit (QUERY_TOO_COMPLEX)', '{ products(first: 100) { nodes { reviews(first: 100) { nodes { id } } } } }', undefined, ['QUERY_TOO_COMPLEX']],
];

describe('every executor answers alike', () => {
  const servers = {} as Record<keyof typeof SETUPS, TestServer>;
  beforeAll(async () => {
    for (const [name, env] of Object.entries(SETUPS)) servers[name as keyof typeof SETUPS] = await startServer({ NODE_ENV: 'production', JWT_SECRET: 'e'.repeat(40), RESPONSE_CACHE: 'off', ...env });
  });

  it.each(CASES)('%s', async (_, query, variables, codes) => {
    const answers = [];
    for (const server of Object.values(servers)) {
      const res = await server.gql(query, variables);
      const { throttleStatus: _t, ...cost } = (res.body as any).extensions?.cost ?? {};
      answers.push({ status: res.status, cacheControl: res.headers.get('cache-control'), body: { ...res.body, extensions: { cost } } });
    }
    expect(answers[0]!.body.errors?.map((e: any) => e.extensions.code) ?? []).toEqual(codes);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });
});
