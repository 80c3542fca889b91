/**
 * The catalog read side against the contract: pagination, every sort and filter (checked against an oracle
 * computed from the database rows in JavaScript), nested connections, node(id:) and ID rules.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mapProduct } from '../src/data/products.js';
import { selectList } from '../src/data/sql.js';
import { products as productsTable, reviews as reviewsTable, type ProductRow, type ReviewRow } from '../src/db/schema.js';
import { codesOf, dataOf, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let all: ProductRow[];
const pid = (n: number) => `prd_${n}`;

beforeAll(async () => {
  // Past the contract's cost limit (1000) on purpose: some queries here ask for 100 products in each of 20 categories.
  server = await startServer({ MAX_QUERY_COST: '100000' });
  all = (await server.sql.rows(`SELECT ${selectList(productsTable)} FROM products`)).map(mapProduct);
});

const PAGE = `
  query Page($first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort) {
    products(first: $first, after: $after, filter: $filter, sort: $sort) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id } }
      nodes { id }
    }
  }`;

/** Every page of a list, in order; asserts each page is consistent with its pageInfo. */
async function walk(variables: Record<string, unknown>, first = 100): Promise<{ ids: string[]; totalCount: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let totalCount = -1;
  for (let pages = 0; pages < 50; pages++) {
    const { products }: any = dataOf(await server.gql(PAGE, { ...variables, first, after }));
    totalCount = products.totalCount;
    expect(products.nodes.map((n: any) => n.id)).toEqual(products.edges.map((e: any) => e.node.id));
    expect(products.pageInfo.hasPreviousPage).toBe(after !== null);
    ids.push(...products.nodes.map((n: any) => n.id));
    if (!products.pageInfo.hasNextPage) return { ids, totalCount };
    expect(products.edges).toHaveLength(first);
    after = products.pageInfo.endCursor;
  }
  throw new Error('too many pages');
}

type Cmp = (a: ProductRow, b: ProductRow) => number;
const by = (key: (p: ProductRow) => number, dir: 1 | -1): Cmp => (a, b) => dir * (key(a) - key(b) || a.id - b.id);
const oracle = (filter: (p: ProductRow) => boolean, cmp: Cmp) => all.filter(filter).sort(cmp).map((p) => pid(p.id));

describe('products: pagination', () => {
  it('first: 0 returns no edges but tells whether there is anything', async () => {
    const { products } = dataOf(await server.gql(PAGE, { first: 0 }));
    expect(products.edges).toEqual([]);
    expect(products.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null });
    expect(products.totalCount).toBe(all.length);
  });

  it('walks the whole list in pages that never overlap or skip, and the last page says so', async () => {
    const { ids, totalCount } = await walk({ sort: 'PRICE_ASC' }, 37);
    expect(totalCount).toBe(all.length);
    expect(new Set(ids).size).toBe(all.length);
    const last = dataOf(await server.gql(PAGE, { first: 5, sort: 'PRICE_ASC', after: null }));
    expect(last.products.pageInfo.hasNextPage).toBe(true);
  });

  it('the page after the last item is empty with hasNextPage false', async () => {
    // A bound that keeps exactly 30 products, so one page of 100 holds them all.
    const maxPrice = all.map((p) => p.pricePaise).sort((a, b) => a - b)[29]!;
    const filter = { maxPrice };
    const { products: page } = dataOf(await server.gql(PAGE, { first: 100, sort: 'NEWEST', filter }));
    expect(page.pageInfo.hasNextPage).toBe(false);
    expect(page.edges.length).toBe(all.filter((p) => p.pricePaise <= maxPrice).length);
    const { products: after } = dataOf(
      await server.gql(PAGE, { first: 10, sort: 'NEWEST', filter, after: page.pageInfo.endCursor }),
    );
    expect(after.edges).toEqual([]);
    expect(after.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true, endCursor: null });
  });

  it.each([-1, 101])('first: %i is BAD_USER_INPUT', async (first) => {
    expect(codesOf(await server.gql(PAGE, { first }))).toEqual(['BAD_USER_INPUT']);
  });

  it.each(['garbage', 'eyJ4IjoxfQ', '', Buffer.from('["products:x","NEWEST","a",1]').toString('base64url')])(
    'a malformed cursor (%j) is BAD_USER_INPUT',
    async (after) => {
      expect(codesOf(await server.gql(PAGE, { first: 5, after }))).toEqual(['BAD_USER_INPUT']);
    },
  );

  it('a cursor from another sort, or another filter, is BAD_USER_INPUT', async () => {
    const { products } = dataOf(await server.gql(PAGE, { first: 3, sort: 'PRICE_ASC' }));
    const after = products.pageInfo.endCursor;
    expect(codesOf(await server.gql(PAGE, { first: 3, sort: 'PRICE_DESC', after }))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await server.gql(PAGE, { first: 3, sort: 'PRICE_ASC', after, filter: { inStock: true } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(dataOf(await server.gql(PAGE, { first: 3, sort: 'PRICE_ASC', after })).products.edges).toHaveLength(3);
  });
});

describe('products: every sort is total and breaks ties by id', () => {
  const sorts: [string, Cmp][] = [
    ['RELEVANCE', by((p) => p.reviewCount, -1)],
    ['PRICE_ASC', by((p) => p.pricePaise, 1)],
    ['PRICE_DESC', by((p) => p.pricePaise, -1)],
    ['RATING_DESC', by((p) => p.ratingAvg, -1)],
    ['NEWEST', by((p) => p.createdAt, -1)],
  ];
  it.each(sorts)('%s', async (sort, cmp) => {
    expect((await walk({ sort }, 100)).ids).toEqual(oracle(() => true, cmp));
  });

  it('the seeded data has ties for the tie-breaker to break', () => {
    expect(new Set(all.map((p) => p.reviewCount)).size).toBeLessThan(all.length / 4);
    expect(all.some((p) => p.reviewCount === 0)).toBe(true);
  });

  it('RATING_DESC puts unrated products last', async () => {
    const { ids } = await walk({ sort: 'RATING_DESC' }, 100);
    const unrated = new Set(all.filter((p) => p.reviewCount === 0).map((p) => pid(p.id)));
    const firstUnrated = ids.findIndex((id) => unrated.has(id));
    expect(ids.slice(firstUnrated).every((id) => unrated.has(id))).toBe(true);
  });
});

describe('products: filters', () => {
  const some = () => all[17]!;
  const cases: [string, () => Record<string, unknown>, () => (p: ProductRow) => boolean][] = [
    ['categoryId', () => ({ categoryId: `cat_${some().categoryId}` }), () => (p) => p.categoryId === some().categoryId],
    ['sellerId', () => ({ sellerId: `sel_${some().sellerId}` }), () => (p) => p.sellerId === some().sellerId],
    ['minPrice (inclusive)', () => ({ minPrice: some().pricePaise }), () => (p) => p.pricePaise >= some().pricePaise],
    ['maxPrice (inclusive)', () => ({ maxPrice: some().pricePaise }), () => (p) => p.pricePaise <= some().pricePaise],
    ['inStock: true', () => ({ inStock: true }), () => (p) => p.stock > 0],
    ['inStock: false', () => ({ inStock: false }), () => (p) => p.stock === 0],
    [
      'several at once',
      () => ({ categoryId: `cat_${some().categoryId}`, inStock: true, minPrice: 10_000 }),
      () => (p) => p.categoryId === some().categoryId && p.stock > 0 && p.pricePaise >= 10_000,
    ],
  ];
  it.each(cases)('%s', async (_name, filter, keep) => {
    const expected = oracle(keep(), by((p) => p.pricePaise, 1));
    expect(expected.length).toBeGreaterThan(0);
    const { ids, totalCount } = await walk({ filter: filter(), sort: 'PRICE_ASC' }, 50);
    expect(ids).toEqual(expected);
    expect(totalCount).toBe(expected.length);
  });

  it('search matches title, brand and description words, best match first', async () => {
    const target = all.find((p) => p.brand && p.title.split(' ').length > 3)!;
    const word = target.title.split(/\s+/).find((w) => /^[A-Za-z]{4,}$/.test(w))!;
    const { ids } = await walk({ filter: { search: word } }, 100);
    expect(ids).toContain(pid(target.id));
    const text = (p: ProductRow) => `${p.title} ${p.brand ?? ''} ${p.description}`.toLowerCase();
    for (const id of ids) expect(text(all.find((p) => pid(p.id) === id)!)).toContain(word.toLowerCase());
    const brandHits = await walk({ filter: { search: target.brand! }, sort: 'PRICE_ASC' }, 100);
    expect(brandHits.ids).toContain(pid(target.id));
  });

  it('search takes the last word as a prefix and treats operators as text', async () => {
    const target = all.find((p) => /^[A-Za-z]{6,}$/.test(p.title.split(' ')[1] ?? ''))!;
    const prefix = target.title.split(' ')[1]!.slice(0, 4);
    expect((await walk({ filter: { search: prefix } })).ids).toContain(pid(target.id));
    expect(dataOf(await server.gql(PAGE, { filter: { search: 'NEAR( "x" OR *' } })).products.totalCount).toBe(0);
  });

  it('bad filter values are BAD_USER_INPUT', async () => {
    for (const filter of [{ categoryId: 'sel_1' }, { sellerId: 'nope' }, { minPrice: -1 }, { minPrice: 5, maxPrice: 4 }, { search: 'x'.repeat(201) }]) {
      expect(codesOf(await server.gql(PAGE, { filter }))).toEqual(['BAD_USER_INPUT']);
    }
  });
});

describe('nested connections', () => {
  const REVIEWS = `query($id: ID!, $first: Int, $after: String, $sort: ReviewSort) {
    product(id: $id) { reviewCount rating reviews(first: $first, after: $after, sort: $sort) {
      totalCount pageInfo { hasNextPage endCursor } nodes { id rating createdAt } } } }`;

  it.each([
    ['NEWEST', (a: any, b: any) => b.createdAt - a.createdAt || b.id - a.id],
    ['RATING_DESC', (a: any, b: any) => b.rating - a.rating || b.id - a.id],
    ['RATING_ASC', (a: any, b: any) => a.rating - b.rating || a.id - b.id],
  ])('Product.reviews sorted %s, page by page', async (sort, cmp) => {
    const target = [...all].sort((a, b) => b.reviewCount - a.reviewCount)[0]!;
    const rows = await server.sql.rows<ReviewRow>(`SELECT ${selectList(reviewsTable)} FROM reviews WHERE product_id = ?`, target.id);
    const expected = rows.sort(cmp).map((r) => `rev_${r.id}`);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const { product }: any = dataOf(await server.gql(REVIEWS, { id: pid(target.id), first: 3, after, sort }));
      expect(product.reviews.totalCount).toBe(target.reviewCount);
      seen.push(...product.reviews.nodes.map((n: any) => n.id));
      after = product.reviews.pageInfo.hasNextPage ? product.reviews.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(expected);
    expect(expected.length).toBe(target.reviewCount);
  });

  it('a cursor from one product’s reviews is refused on another’s', async () => {
    const [a, b] = [...all].sort((x, y) => y.reviewCount - x.reviewCount);
    const { product } = dataOf(await server.gql(REVIEWS, { id: pid(a!.id), first: 1 }));
    const res = await server.gql(REVIEWS, { id: pid(b!.id), first: 1, after: product.reviews.pageInfo.endCursor });
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
  });

  it('Seller.products and Category.products list exactly their products, with totalCount', async () => {
    const p = all[3]!;
    const q = `query($s: ID!) { seller(id: $s) { products(first: 100) { totalCount nodes { id } } }
                categories { id products(first: 100) { totalCount nodes { id } } } }`;
    const { seller, categories } = dataOf(await server.gql(q, { s: `sel_${p.sellerId}` }));
    const sellerIds = all.filter((x) => x.sellerId === p.sellerId).sort(by((x) => x.reviewCount, -1)).map((x) => pid(x.id));
    expect(seller.products.nodes.map((n: any) => n.id)).toEqual(sellerIds.slice(0, 100));
    expect(seller.products.totalCount).toBe(sellerIds.length);
    for (const c of categories) {
      const key = Number(c.id.slice(4));
      expect(c.products.totalCount).toBe(all.filter((x) => x.categoryId === key).length);
    }
  });
});

describe('node(id:) and IDs', () => {
  const NODE = `query($id: ID!) { node(id: $id) { __typename id
    ... on Product { title } ... on Seller { name } ... on User { name } ... on Review { rating } ... on Category { slug } } }`;

  it.each([
    ['Product', 'prd_1'],
    ['Seller', 'sel_1'],
    ['User', 'usr_1'],
    ['Review', 'rev_1'],
    ['Category', 'cat_1'],
  ])('resolves a %s', async (typename, id) => {
    const { node } = dataOf(await server.gql(NODE, { id }));
    expect(node).toMatchObject({ __typename: typename, id });
  });

  it('an unknown but well-formed ID is null, without an error', async () => {
    expect(dataOf(await server.gql(NODE, { id: 'prd_999999' })).node).toBeNull();
    expect(dataOf(await server.gql('{ product(id: "prd_999999") { id } }')).product).toBeNull();
  });

  it.each(['prd_', 'prd_abc', 'prd_01', 'xyz_1', '42', 'prd_1_2'])('a malformed ID (%j) is BAD_USER_INPUT', async (id) => {
    expect(codesOf(await server.gql(NODE, { id }))).toEqual(['BAD_USER_INPUT']);
  });

  it('an ID of the wrong type is BAD_USER_INPUT', async () => {
    const res = await server.gql('{ product(id: "sel_1") { id } }');
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors![0]!.message).toMatch(/Seller ID, not a Product ID/);
  });
});
