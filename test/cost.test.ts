/**
 * The cost model (README, "Query cost and rate limits"): the costs reported in `extensions.cost` match costs
 * computed by hand from the SDL's @cost and @listSize, before (requested) and after (actual) execution.
 */
import { buildSchema, getNamedType, getNullableType, isCompositeType, isListType, isObjectType } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTypeDefs } from '../src/graphql/schema.js';
import { costModel } from '../src/plugins/queryCost/model.js';
import { dataOf, startServer, type GraphQLResponse, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer(); // buckets of plenty: the rate limit has its own file
});

const costOf = (res: GraphQLResponse) => (res.body as any).extensions.cost;

describe('requested cost, computed before execution from the SDL', () => {
  it('a listing page: connection 1, totalCount 1, edges 0, each product 1, each seller 1, pageInfo 0', async () => {
    const res = await server.gql(`{ products(first: 10) {
      totalCount edges { cursor node { title seller { name } } } pageInfo { hasNextPage } } }`);
    dataOf(res);
    // 1 (ProductConnection) + 1 (totalCount) + 10 × (0 (edge) + 1 (product) + 1 (seller)) + 0 (pageInfo)
    expect(costOf(res)).toMatchObject({ requestedQueryCost: 22, actualQueryCost: 22, limit: 1000 });
  });

  it('a list field multiplies its children by first, with variables and defaults applied', async () => {
    const q = 'query($n: Int) { products(first: $n) { nodes { id reviews(first: 3) { nodes { title } } } } }';
    // 1 + n × (1 (product) + 1 (ReviewConnection) + 3 × 1 (review))
    expect(costOf(await server.gql(q, { n: 7 })).requestedQueryCost).toBe(1 + 7 * 5);
    expect(costOf(await server.gql(q)).requestedQueryCost).toBe(1 + 20 * 5); // first's default, 20
    expect(costOf(await server.gql(q, { n: null })).requestedQueryCost).toBe(1 + 20 * 5); // assumedSize, 20
  });

  it('fragments, inline fragments and aliases are all counted', async () => {
    const res = await server.gql(`{
      a: products(first: 2) { ...Sellers }
      b: products(first: 3) { ...Sellers }
      c: products(first: 4) { nodes { ... on Product { category { name } } } }
    }
    fragment Sellers on ProductConnection { nodes { seller { name } } }`);
    dataOf(res);
    // a: 1 + 2 × 2; b: 1 + 3 × 2; c: 1 + 4 × 2
    expect(costOf(res).requestedQueryCost).toBe(5 + 7 + 9);
  });

  it('@skip and @include count only what will run', async () => {
    const q = 'query($s: Boolean!) { products(first: 10) { nodes { id seller @skip(if: $s) { name } } } }';
    expect(costOf(await server.gql(q, { s: true })).requestedQueryCost).toBe(1 + 10 * 1);
    expect(costOf(await server.gql(q, { s: false })).requestedQueryCost).toBe(1 + 10 * 2);
  });

  it('an interface counts its most expensive possible type', async () => {
    const res = await server.gql(`{ node(id: "sel_1") {
      ... on Seller { products(first: 5) { nodes { title } } }
      ... on Product { reviews(first: 2) { nodes { title } } } } }`);
    // Seller: 1 + 1 + 5 × 1 = 7; Product: 1 + 1 + 2 × 1 = 4
    expect(costOf(res).requestedQueryCost).toBe(7);
  });

  it('a list with @listSize(assumedSize:) and no slicing argument counts assumedSize items', async () => {
    const res = await server.gql('{ categories { name products(first: 3) { nodes { title price { formatted } } } } }');
    // 20 × (1 (category) + 1 (ProductConnection) + 3 × (1 (product) + 0 (Money)))
    expect(costOf(res).requestedQueryCost).toBe(100);
  });

  it('introspection is costed by size: each list counts what the schema holds on average where it is asked', async () => {
    const res = await server.gql('{ __schema { types { name fields(includeDeprecated: true) { name } } } }');
    const types = dataOf<any>(res).__schema.types as { fields: unknown[] | null }[];
    expect(types.length).toBeGreaterThan(20);
    const fields = types.reduce((n, t) => n + (t.fields?.length ?? 0), 0);
    // 1 (__Schema) + types × (1 (__Type) + ⌈fields / types⌉ × 1 (__Field)); actually returned: 1 + types + fields
    const requested = 1 + types.length * (1 + Math.ceil(fields / types.length));
    expect(costOf(res)).toMatchObject({ requestedQueryCost: requested, actualQueryCost: 1 + types.length + fields });
  });
});

describe('every response to an operation that parsed and validated carries extensions.cost', () => {
  it('over GET too, and for mutations and errors', async () => {
    const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ categories { id } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(((await get.json()) as any).extensions.cost).toMatchObject({ requestedQueryCost: 20, actualQueryCost: 20 });
    const mutation = await server.gql('mutation { logOut(refreshToken: "nothing") }');
    expect(costOf(mutation)).toMatchObject({ requestedQueryCost: 0, actualQueryCost: 0 });
    const failed = await server.gql('{ product(id: "not-an-id") { title } }');
    expect(failed.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(costOf(failed)).toMatchObject({ requestedQueryCost: 1, actualQueryCost: 1 });
  });
});

describe('actual cost, from what the lists really returned', () => {
  it('a product with few reviews costs what it returned, not the 50 it asked for', async () => {
    const res = await server.gql(`{ product(id: "prd_3") { title reviews(first: 50) {
      totalCount nodes { rating author { name } } } } }`);
    const reviews = dataOf<any>(res).product.reviews.nodes;
    expect(reviews.length).toBeLessThan(50);
    // 1 (product) + 1 (connection) + 1 (totalCount) + n × (1 (review) + 1 (author))
    expect(costOf(res)).toMatchObject({ requestedQueryCost: 3 + 50 * 2, actualQueryCost: 3 + reviews.length * 2 });
  });

  it('categories with fewer products than asked for cost less, category by category', async () => {
    const res = await server.gql('{ categories { name products(first: 30) { nodes { title } } } }');
    const categories = dataOf<any>(res).categories;
    const actual = categories.reduce((sum: number, c: any) => sum + 2 + c.products.nodes.length, 0);
    expect(actual).toBeLessThan(20 * 32);
    expect(costOf(res)).toMatchObject({ requestedQueryCost: 20 * (2 + 30), actualQueryCost: actual });
  });

  it('an empty search asked for 50 costs the connection and the search (1 + 50), not the 50 items', async () => {
    const res = await server.gql('{ products(first: 50, filter: { search: "qqqzzzxxy" }) { nodes { id } } }');
    expect(dataOf<any>(res).products.nodes).toEqual([]);
    expect(costOf(res)).toMatchObject({ requestedQueryCost: 1 + 50 + 50, actualQueryCost: 1 + 50 });
  });

  it('a node that does not exist costs its lookup only', async () => {
    const res = await server.gql('{ product(id: "prd_999999") { title seller { name } } }');
    expect(dataOf<any>(res).product).toBeNull();
    expect(costOf(res)).toMatchObject({ requestedQueryCost: 2, actualQueryCost: 1 });
  });

  it('full pages cost exactly what was requested, through fragments, aliases and nested pages', async () => {
    const res = await server.gql(`{
      first: products(first: 20, sort: RATING_DESC) { ...Page }
      again: products(first: 5, sort: PRICE_ASC) { edges { node { ...Card } } }
    }
    fragment Page on ProductConnection { totalCount pageInfo { endCursor } nodes { ...Card } }
    fragment Card on Product { title price { formatted } seller { name products(first: 2) { nodes { id } } } }`);
    dataOf(res);
    // Card: 1 (product) + 0 (Money) + 1 (seller) + 1 (connection) + 2 × 1 = 5
    expect(costOf(res)).toMatchObject({ requestedQueryCost: 2 + 20 * 5 + (1 + 5 * 5), actualQueryCost: 2 + 20 * 5 + (1 + 5 * 5) });
  });
});

describe('the SDL declares a size for every list of objects', () => {
  it('each such field has @listSize, or is a sizedField of every field that returns its type', () => {
    const schema = buildSchema(loadTypeDefs().join('\n'));
    const model = costModel(schema);
    const sizedBy = new Map<string, Set<string>>(); // type name -> child fields some parent sizes
    const parents = new Map<string, number>(); // type name -> fields returning it
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const named = getNamedType(field.type).name;
        parents.set(named, (parents.get(named) ?? 0) + 1);
        for (const child of model.field(field).listSize?.sizedFields ?? []) {
          sizedBy.set(`${named}.${child}`, (sizedBy.get(`${named}.${child}`) ?? new Set()).add(`${type.name}.${field.name}`));
        }
      }
    }
    const unsized: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const listOfObjects = isListType(getNullableType(field.type)) && isCompositeType(getNamedType(field.type));
        if (!listOfObjects || model.field(field).listSize) continue;
        if ((sizedBy.get(`${type.name}.${field.name}`)?.size ?? 0) < (parents.get(type.name) ?? 0)) {
          unsized.push(`${type.name}.${field.name}`);
        }
      }
    }
    expect(unsized).toEqual([]);
  });
});
