/**
 * One real deprecation on both APIs, and how clients learn of it. GraphQL: `Product.rating` and `Seller.rating`
 * give way to `averageRating` (same values), and `/metrics` counts each operation that still uses a deprecated
 * field, argument, input field or enum value. REST: the same fields, marked `deprecated: true` in the document,
 * and `GET /sellers/{id}/products`, deprecated for `/products?sellerId=`, answers Deprecation, Sunset and a Link
 * to its successor.
 */
import { buildSchema, parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { deprecatedCoordinates } from '../src/observability/deprecations.js';
import { restClient } from './helpers/rest.js';
import { dataOf, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});

/** `graphql_deprecated_field_usage_total` by coordinate, as /metrics shows it now. */
async function usage(): Promise<Record<string, number>> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^graphql_deprecated_field_usage_total\{coordinate="([^"]+)"\} (\d+)$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

describe('GraphQL: rating → averageRating', () => {
  it('the deprecated fields answer what their replacements answer', async () => {
    const { product } = dataOf(
      await server.gql('{ product(id: "prd_1") { averageRating rating seller { averageRating rating } } }'),
    );
    expect(product.rating).toBe(product.averageRating);
    expect(product.seller.rating).toBe(product.seller.averageRating);
  });

  it('introspection says so, with the reason', async () => {
    const { __type } = dataOf(
      await server.gql('{ __type(name: "Product") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }'),
    );
    expect(__type.fields.find((f: any) => f.name === 'rating')).toMatchObject({ isDeprecated: true, deprecationReason: expect.stringContaining('averageRating') });
    expect(__type.fields.find((f: any) => f.name === 'averageRating')).toMatchObject({ isDeprecated: false });
  });

  it('/metrics counts each operation that uses a deprecated field, once per operation, cache hits included', async () => {
    const before = await usage();
    const moved = async (coordinate: string) => ((await usage())[coordinate] ?? 0) - (before[coordinate] ?? 0);
    // Ten products, each with `rating`: one operation, so one use of Product.rating.
    const LIST = '{ products(first: 10) { nodes { id rating seller { rating } } } }';
    const first = await server.gql(LIST);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(await moved('Product.rating')).toBe(1);
    expect(await moved('Seller.rating')).toBe(1);
    const second = await server.gql(LIST);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(await moved('Product.rating')).toBe(2);
    // The replacement is not counted, and neither is an operation refused before it runs.
    dataOf(await server.gql('{ products(first: 10) { nodes { id averageRating } } }'));
    await server.gql('{ products(first: 100) { nodes { rating reviews(first: 100) { nodes { product { rating } } } } } }');
    expect(await moved('Product.rating')).toBe(2);
    expect(await moved('Product.averageRating')).toBe(0);
  });

  it('finds deprecated arguments, input fields and enum values too, through fragments and variables', () => {
    const schema = buildSchema(`
      type Query { items(first: Int, limit: Int @deprecated(reason: "first"), filter: Filter, sort: Sort): [Item] }
      type Item { id: ID, old: String @deprecated(reason: "id") }
      input Filter { q: String, legacy: String @deprecated(reason: "q") }
      enum Sort { NEW, OLD @deprecated(reason: "NEW") }
    `);
    const doc = parse(`
      query($limit: Int) { items(limit: $limit, filter: { legacy: "x" }, sort: OLD) { ...F } again: items { old } }
      fragment F on Item { id old }
    `);
    expect(deprecatedCoordinates(schema, doc).sort()).toEqual(['Filter.legacy', 'Item.old', 'Query.items(limit:)', 'Sort.OLD']);
    expect(deprecatedCoordinates(schema, parse('{ items(first: 1, sort: NEW) { id } }'))).toEqual([]);
  });
});

describe('REST', () => {
  it('GET /sellers/{id}/products answers as before, with Deprecation, Sunset and a Link to its successor', async () => {
    const rest = restClient(server);
    const old = await rest('/api/v1/sellers/sel_1/products?limit=5');
    expect(old.status).toBe(200);
    expect(old.headers.get('deprecation')).toBe('@1796083200'); // 2026-12-01T00:00:00Z (RFC 9745)
    expect(old.headers.get('sunset')).toBe('Tue, 01 Jun 2027 00:00:00 GMT'); // RFC 8594
    expect(old.headers.get('link')).toBe('</api/v1/products?sellerId=sel_1&limit=5>; rel="successor-version"');
    // Even its errors say so.
    expect((await rest('/api/v1/sellers/sel_999999/products')).headers.get('deprecation')).toBe('@1796083200');

    // The successor serves the same page; the seller links to it; nothing else is deprecated.
    const successor = await rest('/api/v1/products?sellerId=sel_1&limit=5');
    expect(successor.body.data.map((p: any) => p.id)).toEqual(old.body.data.map((p: any) => p.id));
    expect(successor.headers.get('deprecation')).toBeNull();
    expect((await rest('/api/v1/sellers/sel_1')).body._links.products.href).toBe('/api/v1/products?sellerId=sel_1');
  });

  it('`averageRating` sits beside the deprecated `rating`; the document marks the route and the fields deprecated', async () => {
    const rest = restClient(server);
    const product = (await rest('/api/v1/products/prd_1')).body;
    expect(product.averageRating).toBe(product.rating);
    const doc = (await rest('/api/v1/openapi.json')).body;
    const route = doc.paths['/sellers/{id}/products'].get;
    expect(route.deprecated).toBe(true);
    expect(Object.keys(route.responses['200'].headers)).toEqual(expect.arrayContaining(['Deprecation', 'Sunset', 'Link']));
    for (const name of ['Product', 'Seller']) {
      expect(doc.components.schemas[name].properties.rating.deprecated, name).toBe(true);
      expect(doc.components.schemas[name].properties.averageRating.deprecated, name).toBeUndefined();
    }
    const deprecatedOps = Object.values<any>(doc.paths).flatMap((item) => Object.values<any>(item)).filter((op) => op.deprecated);
    expect(deprecatedOps.map((op) => op.operationId)).toEqual(['listSellerProducts']);
  });
});
