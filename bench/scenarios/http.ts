/**
 * The HTTP read scenarios: what each sends. The product page is the very screen `npm run compare` loads (its
 * query comes from compare/screens.ts), so the REST waterfall it is compared with shows the same data.
 */
import { createHash } from 'node:crypto';
import { productPage } from '../../compare/screens.js';
import type { HttpRequest } from '../measure.js';
import { PEERS, type PeerKind } from '../peers/index.js';

/** Which server a scenario runs on: the project in one of its configurations, or a peer. */
export type Setup =
  | 'optimized'
  | 'eventLoop'
  | 'youngGeneration'
  | 'stockExecutor'
  | 'baseline'
  | 'tsx'
  | 'cached'
  | 'apollo'
  | 'mercurius'
  | 'apolloCached'
  | 'mercuriusCached';

export interface SetupSpec {
  label: string;
  /** The project's server with this environment, or a peer (bench/peers) with its response cache on or off. */
  env?: Record<string, string>;
  /** Run the TypeScript sources under tsx (as `npm start` did before it compiled) instead of dist/. */
  tsx?: boolean;
  peer?: { kind: PeerKind; cache: boolean };
}

export const SETUPS: Record<Setup, SetupSpec> = {
  optimized: { label: 'this project (OPTIMIZATIONS=on, RESPONSE_CACHE=off)', env: { OPTIMIZATIONS: 'on', RESPONSE_CACHE: 'off' } },
  eventLoop: {
    label: 'this project, EXECUTION_THREADS=0 (every query executed on the event loop), RESPONSE_CACHE=off',
    env: { OPTIMIZATIONS: 'on', RESPONSE_CACHE: 'off', EXECUTION_THREADS: '0' },
  },
  youngGeneration: {
    label: 'this project, NODE_OPTIONS=--max-semi-space-size=64 (V8 young generation 4x the default), RESPONSE_CACHE=off',
    env: { OPTIMIZATIONS: 'on', RESPONSE_CACHE: 'off', NODE_OPTIONS: '--max-semi-space-size=64' },
  },
  stockExecutor: {
    label: 'this project, EXECUTOR=graphql-js, RESPONSE_CACHE=off',
    env: { OPTIMIZATIONS: 'on', EXECUTOR: 'graphql-js', RESPONSE_CACHE: 'off' },
  },
  baseline: { label: 'this project, OPTIMIZATIONS=off, RESPONSE_CACHE=off', env: { OPTIMIZATIONS: 'off', RESPONSE_CACHE: 'off' } },
  tsx: {
    label: 'this project under tsx (node --import tsx src/main.ts), RESPONSE_CACHE=off',
    env: { OPTIMIZATIONS: 'on', RESPONSE_CACHE: 'off' },
    tsx: true,
  },
  cached: { label: 'this project (OPTIMIZATIONS=on, RESPONSE_CACHE=on)', env: { OPTIMIZATIONS: 'on', RESPONSE_CACHE: 'on' } },
  apollo: { label: PEERS.apollo, peer: { kind: 'apollo', cache: false } },
  mercurius: { label: PEERS.mercurius, peer: { kind: 'mercurius', cache: false } },
  apolloCached: { label: `${PEERS.apollo}, Apollo's response-cache plugin`, peer: { kind: 'apollo', cache: true } },
  mercuriusCached: { label: `${PEERS.mercurius}, mercurius-cache`, peer: { kind: 'mercurius', cache: true } },
};

/** The peers' setups for a scenario of the project's setup `of` (uncached or cached), and the key suffix of each. */
export const PEER_ROWS = {
  uncached: [
    { setup: 'apollo', suffix: 'apollo', name: 'Apollo Server 5 + DataLoader' },
    { setup: 'mercurius', suffix: 'mercurius', name: 'Mercurius + graphql-jit + DataLoader' },
  ],
  cached: [
    { setup: 'apolloCached', suffix: 'apollo', name: "Apollo Server 5, response-cache plugin" },
    { setup: 'mercuriusCached', suffix: 'mercurius', name: 'Mercurius, mercurius-cache' },
  ],
} as const satisfies Record<string, readonly { setup: Setup; suffix: string; name: string }[]>;

/** One request measured on one or more servers side by side (their rounds interleaved with the ceiling's). */
export interface HttpScenario {
  key: string;
  request: HttpRequest;
  /** A row of the report per server: its setup, its key and its name. */
  rows: { setup: Setup; key: string; name: string }[];
  /** Done once on each server before measuring (register a persisted query). */
  prepare?(base: string): Promise<void>;
}

/** 20 products of a category, each with its seller and its three best reviews with their authors. */
export const CATEGORY_QUERY = `query CategoryListing($categoryId: ID!) {
  products(first: 20, filter: { categoryId: $categoryId }) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id title images price { formatted } mrp { formatted } discountPercent rating reviewCount
      seller { id name city rating }
      reviews(first: 3, sort: RATING_DESC) { nodes { id rating title author { name } } }
    }
  }
}`;

const JSON_POST = { 'content-type': 'application/json' };
/** GET needs a header a browser cannot send cross-site without a preflight (Apollo's CSRF prevention). */
const PREFLIGHT = { 'apollo-require-preflight': 'true' };

const post = (query: string, variables: Record<string, unknown>): HttpRequest => ({
  method: 'POST',
  path: '/graphql',
  headers: JSON_POST,
  body: JSON.stringify({ query, variables }),
});

/** The peers' rows of a scenario: keys `<key>-apollo`, `<key>-mercurius`. */
const peers = (key: string, kind: keyof typeof PEER_ROWS, name: string) =>
  PEER_ROWS[kind].map((p) => ({ setup: p.setup, key: `${key}-${p.suffix}`, name: `${name}: ${p.name}` }));

export function httpScenarios(productId: string, categoryId: string): HttpScenario[] {
  const product = productPage(productId);
  const category = post(CATEGORY_QUERY, { categoryId });
  const hash = createHash('sha256').update(product.query).digest('hex');
  const persisted = (withQuery: boolean) =>
    `/graphql?${new URLSearchParams({
      ...(withQuery && { query: product.query }),
      variables: JSON.stringify(product.variables),
      extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }),
    })}`;
  return [
    {
      key: 'product',
      request: post(product.query, product.variables),
      rows: [
        { setup: 'optimized', key: 'product', name: 'Product page, uncached' },
        ...peers('product', 'uncached', 'Product page, uncached'),
        { setup: 'eventLoop', key: 'product-event-loop', name: 'Product page, every query on the event loop (EXECUTION_THREADS=0)' },
        { setup: 'youngGeneration', key: 'product-young-64', name: 'Product page, a 64 MB young generation (NODE_OPTIONS)' },
        { setup: 'tsx', key: 'product-tsx', name: 'Product page, TypeScript under tsx (not compiled)' },
        { setup: 'stockExecutor', key: 'product-stock', name: 'Product page, DataLoader but stock executor' },
        { setup: 'baseline', key: 'product-baseline', name: 'Product page, optimizations off' },
      ],
    },
    {
      key: 'category',
      request: category,
      rows: [
        { setup: 'optimized', key: 'category', name: 'Category listing (20 products, seller, reviews), uncached' },
        ...peers('category', 'uncached', 'Category listing, uncached'),
        { setup: 'eventLoop', key: 'category-event-loop', name: 'Category listing, every query on the event loop (EXECUTION_THREADS=0)' },
        { setup: 'youngGeneration', key: 'category-young-64', name: 'Category listing, a 64 MB young generation (NODE_OPTIONS)' },
        { setup: 'stockExecutor', key: 'category-stock', name: 'Category listing, DataLoader but stock executor' },
        { setup: 'baseline', key: 'category-baseline', name: 'Category listing, optimizations off' },
      ],
    },
    {
      key: 'product-cached',
      request: post(product.query, product.variables),
      rows: [{ setup: 'cached', key: 'product-cached', name: 'Product page, cached' }, ...peers('product-cached', 'cached', 'Product page, cached')],
    },
    {
      key: 'apq-get',
      request: { method: 'GET', path: persisted(false), headers: PREFLIGHT },
      rows: [
        { setup: 'cached', key: 'apq-get', name: 'Product page, APQ GET (hash only), cached' },
        ...peers('apq-get', 'cached', 'Product page, APQ GET, cached'),
      ],
      // The first request with the hash alone is PERSISTED_QUERY_NOT_FOUND; the client then sends hash and query once.
      async prepare(base) {
        const res = await fetch(base + persisted(true), { headers: PREFLIGHT });
        if (!res.ok) throw new Error(`registering the persisted query: HTTP ${res.status}`);
      },
    },
  ];
}
