/**
 * The N+1 rule: a query's SQL statement count is bounded by its depth, never by how many items it returns.
 * Counted by the engine (`stats.statements`: every statement it executes).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createLoaders } from '../loaders/index.js';
import { dataOf, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  // Past the contract's cost limit (1000) on purpose: the deepest query here costs 9240 points.
  server = await startServer({ MAX_QUERY_COST: '100000' });
});

const NESTED = `query($n: Int) {
  products(first: $n) { edges { node {
    seller { name } category { name } rating
    reviews(first: 5) { nodes { author { name } } }
  } } } }`;

describe('SQL statements per query grow with depth, not with rows', () => {
  it('the nested product listing costs the same for 5 and for 50 products, one statement per level', async () => {
    const five = await server.countSql(() => server.gql(NESTED, { n: 5 }));
    const fifty = await server.countSql(() => server.gql(NESTED, { n: 50 }));
    const products = dataOf(fifty.result).products.edges;
    expect(products).toHaveLength(50);
    // The data really is there to be fetched: reviews with authors under many of the products.
    const authors = products.flatMap((e: any) => e.node.reviews.nodes.map((r: any) => r.author.name));
    expect(authors.length).toBeGreaterThan(50);
    expect(fifty.statements).toBe(five.statements);
    // products, sellers, categories, the reviews pages, authors.
    expect(fifty.statements).toBeLessThanOrEqual(5);
  });

  it('deeper nesting adds statements per level, still independent of row counts', async () => {
    const deeper = (n: number) => `{ categories { name products(first: ${n}) { totalCount nodes {
      seller { name rating products(first: ${n}) { nodes { title } } } } } } }`;
    const small = await server.countSql(() => server.gql(deeper(2)));
    const large = await server.countSql(() => server.gql(deeper(20)));
    expect(dataOf(large.result).categories.length).toBeGreaterThan(5);
    expect(large.statements).toBe(small.statements);
    // categories, their product pages, product counts, sellers, seller ratings, seller product pages.
    expect(large.statements).toBeLessThanOrEqual(6);
  });
});

describe('loaders batch each access pattern into one statement', () => {
  const count = async (fn: (l: ReturnType<typeof createLoaders>) => Promise<unknown>) => {
    const loaders = createLoaders(server.database);
    const before = server.database.stats.statements;
    const value = await fn(loaders);
    return { value, statements: server.database.stats.statements - before };
  };

  it('by id: many loads in one tick, one IN (…) statement, null for a missing key, in key order', async () => {
    const { value, statements } = await count((l) => Promise.all([3, 1, 999_999, 2].map((id) => l.product.load(id))));
    expect(statements).toBe(1);
    expect((value as any[]).map((p) => p?.id ?? null)).toEqual([3, 1, null, 2]);
  });

  it('pages of children for many parents: one statement, each page capped at first + 1', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => i + 1);
    const { value, statements } = await count((l) =>
      Promise.all(ids.map((id) => l.reviewPage({ parent: 'productId', order: 'NEWEST', first: 2, after: null }).load(id))),
    );
    expect(statements).toBe(1);
    const pages = value as { productId: number }[][];
    expect(pages.every((page, i) => page.length <= 3 && page.every((r) => r.productId === ids[i]))).toBe(true);
    expect(pages.some((page) => page.length === 3)).toBe(true);
  });

  it('aggregates: one GROUP BY statement for many parents', async () => {
    const { value, statements } = await count((l) => Promise.all([1, 2, 3].map((id) => l.productCountBySeller.load(id))));
    expect(statements).toBe(1);
    expect((value as number[]).every((n) => n > 0)).toBe(true);
  });
});
