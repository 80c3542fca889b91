/**
 * `GET /api/v1/openapi.json`: an OpenAPI 3.1 document generated from the routes' own schemas. It validates
 * (@apidevtools/swagger-parser), Spectral's `spectral:oas` ruleset finds nothing in it, every operation has a
 * stable operationId, a description and a declared tag, it lists every route of the contract and nothing the
 * server does not serve, its examples fit its schemas, and real responses fit the schemas it documents for them.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { signInAll, type Demo } from './helpers/accounts.js';
import { restClient } from './helpers/rest.js';
import { startServer, type TestServer } from './helpers/server.js';

/** The contract's REST routes, under the document's server URL `/api/v1`. */
const CONTRACT_ROUTES = [
  'GET /products',
  'GET /products/{id}',
  'GET /products/{id}/reviews',
  'GET /sellers/{id}',
  'GET /sellers/{id}/products',
  'GET /users/{id}',
  'GET /categories',
  'POST /auth/login',
  'POST /orders',
  'GET /orders/{id}',
  'POST /orders/{id}/cancel',
  'GET /openapi.json',
];

let server: TestServer;
let auth: Record<Demo, Record<string, string>>;
let doc: any;
beforeAll(async () => {
  server = await startServer();
  auth = await signInAll(server);
  const res = await restClient(server)('/api/v1/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});

const operations = () =>
  Object.entries<any>(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and validates', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
  });

  it('the validator is not a rubber stamp: a broken copy fails', async () => {
    const broken = structuredClone(doc);
    broken.paths['/products'].get.parameters[0].in = 'body'; // OpenAPI 2's `in`, not 3.1's
    await expect(SwaggerParser.validate(broken)).rejects.toThrow();
  });

  it('lists every route of the contract, each with a summary, a description, a declared tag and its error responses', () => {
    expect(operations()).toEqual(expect.arrayContaining(CONTRACT_ROUTES));
    const declared = doc.tags.map((t: any) => t.name);
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const op of Object.values<any>(item)) {
        expect(op.summary, path).toBeTruthy();
        expect(op.description, path).toBeTruthy();
        expect(op.tags, path).toHaveLength(1);
        expect(declared, path).toContain(op.tags[0]);
        if (path !== '/openapi.json') expect(Object.keys(op.responses), path).toEqual(expect.arrayContaining(['400', '401', '429']));
      }
    }
  });

  it('names every operation with a stable operationId (generated clients call them by it)', () => {
    const ids = Object.fromEntries(
      Object.entries<any>(doc.paths).flatMap(([path, item]) =>
        Object.entries<any>(item).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op.operationId]),
      ),
    );
    // Renaming one breaks every generated client: this list only grows.
    expect(ids).toMatchObject({
      'GET /products': 'listProducts',
      'GET /products/{id}': 'getProduct',
      'GET /products/{id}/reviews': 'listProductReviews',
      'GET /reviews/{id}': 'getReview',
      'GET /sellers/{id}': 'getSeller',
      'GET /sellers/{id}/products': 'listSellerProducts',
      'GET /users/{id}': 'getUser',
      'GET /categories': 'listCategories',
      'GET /categories/{id}': 'getCategory',
      'POST /auth/login': 'logIn',
      'POST /orders': 'placeOrder',
      'GET /orders/{id}': 'getOrder',
      'POST /orders/{id}/cancel': 'cancelOrder',
      'GET /openapi.json': 'getOpenApiDocument',
    });
    expect(new Set(Object.values(ids)).size).toBe(Object.keys(ids).length);
  });

  it('documents only routes the server serves', () => {
    for (const op of operations()) {
      const [method, path] = op.split(' ') as [string, string];
      const url = '/api/v1' + path.replace(/\{(\w+)\}/g, ':$1');
      expect([op, server.app.fastify.hasRoute({ method: method as 'GET', url })]).toEqual([op, true]);
    }
  });

  it('GETs document ETag and If-None-Match → 304; POST /orders its required Idempotency-Key', () => {
    for (const op of operations().filter((o) => o.startsWith('GET ') && o !== 'GET /openapi.json')) {
      const get = doc.paths[op.slice(4)].get;
      expect(get.responses['304'], op).toBeDefined();
      expect(get.responses['200'].headers.ETag, op).toBeDefined();
      expect(get.parameters.some((p: any) => p.in === 'header' && p.name === 'if-none-match'), op).toBe(true);
    }
    const place = doc.paths['/orders'].post;
    expect(place.parameters).toContainEqual(expect.objectContaining({ in: 'header', name: 'idempotency-key', required: true }));
    expect(place.security).toEqual([{ bearerAuth: [] }]);
    expect(place.responses['201'].headers.Location).toBeDefined();
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('has examples, and each example fits its schema', () => {
    const ajv = schemaValidator();
    const named = ['Product', 'Seller', 'Review', 'User', 'Category', 'Order', 'Tokens', 'Error'];
    for (const name of named) {
      const schema = doc.components.schemas[name];
      expect(schema.examples, name).toBeDefined();
      const validate = ajv.getSchema(`doc#/components/schemas/${name}`)!;
      for (const example of schema.examples) expect([name, validate(example), validate.errors]).toEqual([name, true, null]);
    }
    expect(doc.paths['/orders'].post.requestBody.content['application/json'].example).toBeDefined();
    expect(doc.paths['/auth/login'].post.requestBody.content['application/json'].schema.properties.email.examples).toBeDefined();
  });
});

describe('Spectral (spectral:oas, .spectral.yaml) on the served document', () => {
  it('finds nothing, not even a hint; a copy without operationIds and tags is flagged', async () => {
    const broken = structuredClone(doc);
    delete broken.tags;
    for (const item of Object.values<any>(broken.paths)) for (const op of Object.values<any>(item)) delete op.operationId;
    const [clean, flagged] = await Promise.all([spectral(doc), spectral(broken)]);
    expect(clean).toEqual([]);
    expect(new Set(flagged.map((r) => r.code))).toEqual(new Set(['operation-operationId', 'operation-tag-defined']));
  }, 120_000);
});

describe('real responses fit the documented schemas', () => {
  it('for every resource and list', async () => {
    const rest = restClient(server);
    const ajv = schemaValidator();
    const order = await rest('/api/v1/orders', {
      method: 'POST',
      headers: { ...auth.buyer, 'idempotency-key': randomUUID() },
      body: { items: [{ productId: 'prd_2', quantity: 1 }] },
    });
    const review = (await rest('/api/v1/products?sort=RATING_DESC&limit=1')).body.data[0]._links.reviews.href;
    const cases: [string, Promise<any>][] = [
      ['ProductList', rest('/api/v1/products?limit=5')],
      ['Product', rest('/api/v1/products/prd_1')],
      ['ReviewList', rest(review)],
      ['Seller', rest('/api/v1/sellers/sel_1')],
      ['ProductList', rest('/api/v1/sellers/sel_1/products')],
      ['User', rest('/api/v1/users/usr_1', { headers: auth.buyer })],
      ['CategoryList', rest('/api/v1/categories')],
      ['Category', rest('/api/v1/categories/cat_1')],
      ['Order', rest(`/api/v1/orders/${order.body.id}`, { headers: auth.buyer })],
      ['Order', Promise.resolve(order)],
      ['Error', rest('/api/v1/products/prd_999999')],
      ['Tokens', rest('/api/v1/auth/login', { method: 'POST', body: { email: 'buyer2@example.com', password: 'demo-password' } })],
    ];
    for (const [name, pending] of cases) {
      const { body } = await pending;
      const validate = ajv.getSchema(`doc#/components/schemas/${name}`)!;
      expect([name, validate(body), validate.errors]).toEqual([name, true, null]);
    }
  });
});

/** Runs the Spectral CLI (offline: the ruleset is built in) on a document; its findings of any severity. */
async function spectral(document: unknown): Promise<{ code: string; message: string; path: string[] }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bazaar-spectral-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const { stdout } = await promisify(execFile)(
      'node_modules/.bin/spectral',
      ['lint', file, '--ruleset', '.spectral.yaml', '--format', 'json', '--fail-severity', 'hint', '--quiet'],
      { timeout: 60_000 },
    ).catch((err) => err as { stdout: string }); // exit code 1 when it finds something: the JSON says what
    return JSON.parse(stdout || '[]');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** JSON Schema 2020-12 (what OpenAPI 3.1 schemas are) over the document's components, `additionalProperties` strict. */
function schemaValidator() {
  const strict = (schema: any): any => {
    if (Array.isArray(schema)) return schema.map(strict);
    if (!schema || typeof schema !== 'object') return schema;
    const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === 'examples' ? v : strict(v)]));
    if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
    return out;
  };
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: 'doc', components: { schemas: strict(doc.components.schemas) } });
  return ajv;
}
