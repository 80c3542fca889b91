/** Catalog management and reviews: role and ownership checks, input rules, and no half-writes. */
import { beforeAll, describe, expect, it } from 'vitest';
import { signInAll, type Demo } from './helpers/accounts.js';
import { codesOf, dataOf, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let auth: Record<Demo, Record<string, string>>;
beforeAll(async () => {
  server = await startServer();
  auth = await signInAll(server);
});

const CREATE = `mutation($i: CreateProductInput!) { createProduct(input: $i) {
  id title brand price { amount } mrp { amount } discountPercent stock inStock rating reviewCount seller { id } category { id } images } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateProductInput!) { updateProduct(id: $id, input: $i) { id title price { amount } mrp { amount } category { id } } }`;
const STOCK = `mutation($id: ID!, $n: Int!) { setStock(productId: $id, stock: $n) { id stock inStock } }`;
const REVIEW = `mutation($i: AddReviewInput!) { addReview(input: $i) { id rating title author { id } product { id rating reviewCount } } }`;

const count = (table: string) => server.sql.value<number>(`select count(*) from ${table}`);
const product = async (sellerId: number) => `prd_${await server.sql.value('select id from products where seller_id = ? order by id limit 1', sellerId)}`;
const input = (over: Record<string, unknown> = {}) => ({
  title: '  boAt Airdopes 141 TWS Earbuds ',
  description: 'Up to 42 hours of playback.',
  brand: 'boAt',
  categoryId: 'cat_1',
  price: 129900,
  mrp: 449000,
  stock: 25,
  images: ['https://img.example.com/p/new/1.jpg'],
  ...over,
});

describe('createProduct: a SELLER under their own seller, or an ADMIN under any', () => {
  it('a seller lists under their own seller', async () => {
    const { createProduct } = dataOf(await server.gql(CREATE, { i: input() }, auth.seller));
    expect(createProduct).toMatchObject({
      title: 'boAt Airdopes 141 TWS Earbuds',
      price: { amount: 129900 },
      mrp: { amount: 449000 },
      discountPercent: 71,
      stock: 25,
      inStock: true,
      rating: null,
      reviewCount: 0,
      seller: { id: 'sel_1' },
      category: { id: 'cat_1' },
    });
    const found = dataOf(await server.gql(`{ products(first: 5, filter: { search: "airdopes" }) { nodes { id } } }`));
    expect(found.products.nodes.map((n: any) => n.id)).toContain(createProduct.id);
  });

  it('an admin must name the seller; a seller may not name another', async () => {
    expect(codesOf(await server.gql(CREATE, { i: input() }, auth.admin))).toEqual(['BAD_USER_INPUT']);
    expect(dataOf(await server.gql(CREATE, { i: input({ sellerId: 'sel_2' }) }, auth.admin)).createProduct.seller.id).toBe('sel_2');
    expect(codesOf(await server.gql(CREATE, { i: input({ sellerId: 'sel_2' }) }, auth.seller))).toEqual(['FORBIDDEN']);
  });

  it('buyers are FORBIDDEN, anonymous callers UNAUTHENTICATED', async () => {
    expect(codesOf(await server.gql(CREATE, { i: input() }, auth.buyer))).toEqual(['FORBIDDEN']);
    expect(codesOf(await server.gql(CREATE, { i: input() }))).toEqual(['UNAUTHENTICATED']);
  });

  it.each([
    [{ price: 500000, mrp: 449000 }, 'BAD_USER_INPUT', 'price'],
    [{ price: 0 }, 'BAD_USER_INPUT', 'price'],
    [{ stock: -1 }, 'BAD_USER_INPUT', 'stock'],
    [{ title: '   ' }, 'BAD_USER_INPUT', 'title'],
    [{ images: ['javascript:alert(1)'] }, 'BAD_USER_INPUT', 'images.0'],
    [{ categoryId: 'cat_999' }, 'NOT_FOUND', 'categoryId'],
    [{ categoryId: 'prd_1' }, 'BAD_USER_INPUT', 'categoryId'],
  ])('%j is %s naming %s, and nothing is written', async (over, code, field) => {
    const before = await count('products');
    const res = await server.gql(CREATE, { i: input(over) }, auth.seller);
    expect(codesOf(res)).toEqual([code]);
    expect(res.body.errors![0]!.extensions!.field).toBe(field);
    expect(await count('products')).toBe(before);
  });
});

describe('updateProduct and setStock: the product’s seller or an admin', () => {
  it('the seller edits their product; price is checked against the MRP it keeps', async () => {
    const id = await product(1);
    const res = dataOf(await server.gql(UPDATE, { id, i: { title: 'Renamed', mrp: 999900, price: 99900, categoryId: 'cat_2' } }, auth.seller));
    expect(res.updateProduct).toMatchObject({ title: 'Renamed', price: { amount: 99900 }, mrp: { amount: 999900 }, category: { id: 'cat_2' } });
    expect(codesOf(await server.gql(UPDATE, { id, i: { price: 1_000_000 } }, auth.seller))).toEqual(['BAD_USER_INPUT']);
    expect(await server.sql.value('select price_paise from products where id = ?', Number(id.slice(4)))).toBe(99900);
  });

  it('another seller’s product is FORBIDDEN; admins may; buyers may not', async () => {
    const theirs = await product(2);
    expect(codesOf(await server.gql(STOCK, { id: theirs, n: 3 }, auth.seller))).toEqual(['FORBIDDEN']);
    expect(codesOf(await server.gql(UPDATE, { id: theirs, i: { title: 'x' } }, auth.seller))).toEqual(['FORBIDDEN']);
    expect(codesOf(await server.gql(STOCK, { id: theirs, n: 3 }, auth.buyer))).toEqual(['FORBIDDEN']);
    expect(dataOf(await server.gql(STOCK, { id: theirs, n: 0 }, auth.admin)).setStock).toMatchObject({ stock: 0, inStock: false });
  });

  it('setStock bounds and unknown products', async () => {
    expect(codesOf(await server.gql(STOCK, { id: await product(1), n: -5 }, auth.seller))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await server.gql(STOCK, { id: 'prd_999999', n: 5 }, auth.admin))).toEqual(['NOT_FOUND']);
    expect(dataOf(await server.gql(STOCK, { id: await product(1), n: 42 }, auth.seller)).setStock.stock).toBe(42);
  });
});

describe('addReview', () => {
  it('adds a review and updates the product’s rating and count at once', async () => {
    const id = await product(3);
    const before = dataOf(await server.gql(`query($id: ID!) { product(id: $id) { rating reviewCount } }`, { id })).product;
    const sums = (await server.sql.row('select rating_sum s, review_count n from products where id = ?', Number(id.slice(4)))) as { s: number; n: number };
    const { addReview } = dataOf(await server.gql(REVIEW, { i: { productId: id, rating: 1, title: 'Stopped working', body: 'Died after a week.' } }, auth.buyer2));
    expect(addReview).toMatchObject({ rating: 1, author: { id: 'usr_2' }, product: { id, reviewCount: before.reviewCount + 1 } });
    expect(addReview.product.rating).toBeCloseTo((sums.s + 1) / (sums.n + 1), 2);
  });

  it('a second review of the same product by the same user is CONFLICT, and changes nothing', async () => {
    const id = await product(4);
    await server.gql(REVIEW, { i: { productId: id, rating: 5, body: 'Great.' } }, auth.buyer);
    const before = await server.sql.value('select review_count from products where id = ?', Number(id.slice(4)));
    expect(codesOf(await server.gql(REVIEW, { i: { productId: id, rating: 4, body: 'Again.' } }, auth.buyer))).toEqual(['CONFLICT']);
    expect(await server.sql.value('select review_count from products where id = ?', Number(id.slice(4)))).toBe(before);
  });

  it.each([
    [{ rating: 0, body: 'x' }, 'BAD_USER_INPUT'],
    [{ rating: 6, body: 'x' }, 'BAD_USER_INPUT'],
    [{ rating: 3, body: '  ' }, 'BAD_USER_INPUT'],
    [{ rating: 3, body: 'x', productId: 'prd_999999' }, 'NOT_FOUND'],
  ])('%j is %s', async (over, code) => {
    expect(codesOf(await server.gql(REVIEW, { i: { productId: await product(5), ...over } }, auth.buyer))).toEqual([code]);
  });

  it('anonymous callers are UNAUTHENTICATED', async () => {
    expect(codesOf(await server.gql(REVIEW, { i: { productId: await product(5), rating: 3, body: 'x' } }))).toEqual(['UNAUTHENTICATED']);
  });
});
