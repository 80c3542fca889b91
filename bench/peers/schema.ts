/**
 * The peers' GraphQL API: the part of the project's schema the two benchmarked screens read (the product page and
 * the category listing), with the same cache hints, and resolvers over DataLoader (data.ts). The results must be
 * the project's own, byte for byte in `data`: same IDs, money formatting, ratings and cursors.
 */
import { createHash } from 'node:crypto';
import { GraphQLError, GraphQLScalarType } from 'graphql';
import type { Loaders, ProductRow, ReviewRow } from './data.js';
import type { openPeerData } from './data.js';

export const typeDefs = /* GraphQL */ `
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION

  scalar DateTime
  enum ProductSort { RELEVANCE PRICE_ASC PRICE_DESC RATING_DESC NEWEST }
  enum ReviewSort { NEWEST RATING_DESC RATING_ASC }
  input ProductFilter { categoryId: ID, sellerId: ID, search: String, minPrice: Int, maxPrice: Int, inStock: Boolean }

  type Query {
    product(id: ID!): Product
    products(first: Int = 20, after: String, filter: ProductFilter, sort: ProductSort): ProductConnection! @cacheControl(maxAge: 60)
  }
  type Money @cacheControl(inheritMaxAge: true) { amount: Int! currency: String! formatted: String! }
  type PageInfo @cacheControl(inheritMaxAge: true) { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
  type Product @cacheControl(maxAge: 60) {
    id: ID! title: String! description: String! brand: String images: [String!]!
    seller: Seller! price: Money! mrp: Money! discountPercent: Int! stock: Int! inStock: Boolean!
    rating: Float reviewCount: Int! createdAt: DateTime!
    reviews(first: Int = 10, after: String, sort: ReviewSort): ReviewConnection!
  }
  type Seller @cacheControl(maxAge: 60) { id: ID! name: String! city: String rating: Float }
  type User @cacheControl(maxAge: 60) { id: ID! name: String! }
  type Review @cacheControl(maxAge: 60) { id: ID! rating: Int! title: String body: String! author: User! createdAt: DateTime! }
  type ProductConnection @cacheControl(inheritMaxAge: true) { nodes: [Product!]! pageInfo: PageInfo! }
  type ReviewConnection @cacheControl(inheritMaxAge: true) { nodes: [Review!]! pageInfo: PageInfo! }
`;

export interface PeerContext {
  loaders: Loaders;
}

const INR = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', minimumFractionDigits: 2 });
const money = (paise: number) => ({ amount: paise, currency: 'INR', formatted: INR.format(paise / 100) });
const round2 = (n: number) => Math.round(n * 100) / 100;
const cursor = (list: string, sort: string, key: number[]) => Buffer.from(JSON.stringify([list, sort, ...key])).toString('base64url');

function decode(prefix: string, id: string): number {
  const m = new RegExp(`^${prefix}_([1-9][0-9]{0,14})$`).exec(id);
  if (!m) throw new GraphQLError(`"${id}" is not a valid ID.`, { extensions: { code: 'BAD_USER_INPUT' } });
  return Number(m[1]);
}

function page<T extends { id: number }>(rows: T[], first: number, list: string, sort: string, key: (row: T) => number) {
  const nodes = rows.slice(0, first);
  const [head, last] = [nodes[0], nodes.at(-1)];
  return {
    nodes,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: false,
      startCursor: head ? cursor(list, sort, [key(head), head.id]) : null,
      endCursor: last ? cursor(list, sort, [key(last), last.id]) : null,
    },
  };
}

const unsupported = (what: string) => new GraphQLError(`The benchmark peer serves only its two screens (${what}).`);

export function resolvers(data: ReturnType<typeof openPeerData>) {
  return {
    DateTime: new GraphQLScalarType({ name: 'DateTime', serialize: (v) => new Date(v as number).toISOString() }),
    Query: {
      product: (_: unknown, { id }: { id: string }, ctx: PeerContext) => ctx.loaders.product.load(decode('prd', id)),
      products(_: unknown, args: { first: number; after?: string; filter?: { categoryId?: string }; sort?: string }, ctx: PeerContext) {
        if (args.after || (args.sort && args.sort !== 'RELEVANCE') || !args.filter?.categoryId || Object.keys(args.filter).length > 1) {
          throw unsupported('products of one category, most relevant first');
        }
        const filter = { categoryId: decode('cat', args.filter.categoryId) };
        const rows = data.productsByCategory(filter.categoryId, args.first + 1);
        for (const row of rows) ctx.loaders.product.prime(row.id, row);
        // The cursor names its list as the project's does: the filter's hash.
        const list = `products:${createHash('sha1').update(JSON.stringify(filter)).digest('base64url').slice(0, 10)}`;
        return page(rows, args.first, list, 'POPULAR', (p) => p.review_count);
      },
    },
    Product: {
      id: (p: ProductRow) => `prd_${p.id}`,
      images: (p: ProductRow) => JSON.parse(p.images) as string[],
      seller: (p: ProductRow, _: unknown, ctx: PeerContext) => ctx.loaders.seller.load(p.seller_id),
      price: (p: ProductRow) => money(p.price_paise),
      mrp: (p: ProductRow) => money(p.mrp_paise),
      discountPercent: (p: ProductRow) =>
        p.mrp_paise <= 0 || p.price_paise >= p.mrp_paise ? 0 : Math.floor(((p.mrp_paise - p.price_paise) * 100) / p.mrp_paise),
      inStock: (p: ProductRow) => p.stock > 0,
      rating: (p: ProductRow) => (p.review_count > 0 ? round2(p.rating_avg) : null),
      reviewCount: (p: ProductRow) => p.review_count,
      createdAt: (p: ProductRow) => p.created_at,
      async reviews(p: ProductRow, args: { first: number; after?: string; sort?: string }, ctx: PeerContext) {
        if (args.after || args.sort !== 'RATING_DESC') throw unsupported('reviews best rated first');
        const rows = await ctx.loaders.topReviews(args.first + 1).load(p.id);
        return page(rows, args.first, `product:${p.id}:reviews`, 'RATING_DESC', (r) => r.rating);
      },
    },
    Seller: {
      id: (s: { id: number }) => `sel_${s.id}`,
      rating: (s: { id: number }, _: unknown, ctx: PeerContext) => ctx.loaders.sellerRating.load(s.id).then((r) => (r === null ? null : round2(r))),
    },
    User: { id: (u: { id: number }) => `usr_${u.id}` },
    Review: {
      id: (r: ReviewRow) => `rev_${r.id}`,
      author: (r: ReviewRow, _: unknown, ctx: PeerContext) => ctx.loaders.user.load(r.author_id),
      createdAt: (r: ReviewRow) => r.created_at,
    },
  };
}
