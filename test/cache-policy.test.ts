/**
 * The cache policy computed per document (src/plugins/cachePolicy) gives the very `Cache-Control` header Apollo's
 * own plugin computes field by field, on data with nulls, empty lists and interfaces; and it skips the per-field
 * hook only where the document alone decides the policy.
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { parse } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { describe, expect, it } from 'vitest';
import { cachePolicyPlugins } from '../src/plugins/cachePolicy/index.js';
import { documentPolicy } from '../src/plugins/cachePolicy/static.js';

const typeDefs = `
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
  interface Node @cacheControl(maxAge: 60) { id: ID! }
  type Money @cacheControl(inheritMaxAge: true) { formatted: String! }
  type Product implements Node @cacheControl(maxAge: 60) { id: ID! title: String! price: Money! seller: Seller reviews: ReviewConnection! }
  type Seller implements Node @cacheControl(maxAge: 60) { id: ID! name: String! }
  type Review implements Node @cacheControl(maxAge: 60) { id: ID! author: User! }
  type ReviewConnection @cacheControl(inheritMaxAge: true) { nodes: [Review!]! }
  type User implements Node @cacheControl(maxAge: 60) { id: ID! name: String! email: String @cacheControl(scope: PRIVATE) lastOrder: Order }
  type Order implements Node @cacheControl(maxAge: 30, scope: PRIVATE) { id: ID! }
  type Query {
    product(id: ID!): Product
    node(id: ID!): Node
    user(id: ID!): User
    viewer: User @cacheControl(scope: PRIVATE)
    now: String
    list: [Product!]! @cacheControl(maxAge: 20)
  }
`;

const users = { u1: { id: 'u1', name: 'A', email: 'a@x', lastOrder: null } };
const products = {
  p1: { id: 'p1', title: 'One', price: { formatted: '₹1' }, seller: { id: 's1', name: 'S' }, reviews: { nodes: [{ id: 'r1', author: users.u1 }] } },
  p2: { id: 'p2', title: 'Two', price: { formatted: '₹2' }, seller: null, reviews: { nodes: [] } },
};
const byId = (id: string) => (products as Record<string, unknown>)[id] ?? (users as Record<string, unknown>)[id] ?? null;
const schema = () =>
  makeExecutableSchema({
    typeDefs,
    resolvers: {
      Node: { __resolveType: (o: { id: string }) => (o.id.startsWith('p') ? 'Product' : 'User') },
      Query: {
        product: (_: unknown, { id }: { id: string }) => byId(id),
        node: (_: unknown, { id }: { id: string }) => byId(id),
        user: (_: unknown, { id }: { id: string }) => byId(id),
        viewer: () => null,
        now: () => 'now',
        list: () => Object.values(products),
      },
    },
  });

const DOCUMENTS: [string, Record<string, unknown>?][] = [
  ['{ product(id: "p1") { id title price { formatted } seller { name } reviews { nodes { id author { name } } } } }'],
  ['{ product(id: "p2") { id seller { name } reviews { nodes { author { email } } } } }'],
  ['{ product(id: "nope") { id title } }'],
  ['{ list { id price { formatted } } }'],
  ['{ node(id: "p1") { id ... on User { email lastOrder { id } } } }'],
  ['{ node(id: "u1") { id ... on User { email } } }'],
  ['{ user(id: "nope") { email } }'],
  ['{ user(id: "u1") { name email } }'],
  ['{ viewer { name email } }'],
  ['{ now }'],
  ['{ __typename }'],
  ['{ product(id: "p1") { id } now }'],
  ['query($s: Boolean!) { product(id: "p1") { id seller @include(if: $s) { name } } }', { s: true }],
  ['{ ...Root } fragment Root on Query { product(id: "p1") { ...P } } fragment P on Product { title seller { name } }'],
  ['{ __schema { queryType { name } } }'],
  ['{ product(id: "p1") { nope } }'],
];

async function headers(plugins: ApolloServerPlugin[]) {
  const server = new ApolloServer({ schema: schema(), plugins });
  await server.start();
  try {
    const out: (string | undefined)[] = [];
    for (const [query, variables] of DOCUMENTS) {
      const res = await server.executeOperation({ query, variables });
      out.push(res.http.headers.get('cache-control'));
    }
    return out;
  } finally {
    await server.stop();
  }
}

describe('cache policy per document', () => {
  it("gives the same Cache-Control as Apollo's field-by-field plugin", async () => {
    const apollo = await headers([]);
    expect(apollo).toContain('max-age=60, public');
    expect(apollo).toContain('max-age=60, private');
    expect(apollo).toContain('no-store');
    expect(await headers(cachePolicyPlugins())).toEqual(apollo);
  });

  it('knows the policy from the document where the root fields decide it, and only there', () => {
    const s = schema();
    const policy = (query: string) => documentPolicy(s, parse(query), undefined);
    expect(policy(DOCUMENTS[0]![0])).toEqual({ maxAge: 60 });
    expect(policy('{ list { id price { formatted } } }')).toEqual({ maxAge: 20 });
    expect(policy('{ viewer { name } }')).toEqual({ maxAge: 60, scope: 'PRIVATE' });
    // A private field under a parent that may be null, or a fragment on a type the node may not have: Apollo decides.
    expect(policy('{ user(id: "nope") { email } }')).toBeNull();
    expect(policy('{ node(id: "p1") { id ... on User { lastOrder { id } } } }')).toBeNull();
    expect(policy(DOCUMENTS[12]![0])).toBeNull();
  });

  it('does not make Apollo dispatch every field to the plugins for a document it knows', async () => {
    let dispatched = 0;
    const counter: ApolloServerPlugin = {
      async requestDidStart() {
        return {
          async executionDidStart() {
            return { willResolveField: () => void dispatched++ };
          },
        };
      },
    };
    // With only our plugins (no counter), a known document resolves through unwrapped resolvers.
    const s = schema();
    const server = new ApolloServer({ schema: s, plugins: cachePolicyPlugins() });
    await server.start();
    await server.executeOperation({ query: DOCUMENTS[0]![0] });
    const resolve = s.getQueryType()!.getFields().product!.resolve!;
    await server.stop();
    const wrapped = new ApolloServer({ schema: s, plugins: [counter] });
    await wrapped.start();
    await wrapped.executeOperation({ query: DOCUMENTS[0]![0] });
    await wrapped.stop();
    expect(dispatched).toBeGreaterThan(0); // the counter's own hook made Apollo wrap the schema's resolvers …
    expect(s.getQueryType()!.getFields().product!.resolve).not.toBe(resolve); // … which ours had left as they were
  });
});
