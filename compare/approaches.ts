/** The ways a client can load a screen: REST's waterfall, and GraphQL as one POST, one GET, or one persisted GET. */
import { createHash } from 'node:crypto';
import { ok, type Client, type Res } from './http.js';
import type { Screen } from './screens.js';

export type ApproachKey = 'rest' | 'revalidate' | 'post' | 'get' | 'persisted';

export interface Approach {
  key: ApproachKey;
  label: string;
  /** The client keeps an HTTP cache (ETags, If-None-Match). */
  httpCache?: boolean;
  load(screen: Screen, c: Client): Promise<unknown>;
}

/** The data of a GraphQL response that must have no errors. */
function data(res: Res, what: string): any {
  ok(res, what);
  if (res.json.errors?.length) throw new Error(`${what}: ${JSON.stringify(res.json.errors)}`);
  return res.json.data;
}

/** GET requests need a header a browser cannot send cross-site without a preflight (Apollo's CSRF prevention). */
const PREFLIGHT = { 'apollo-require-preflight': 'true' };
const qs = (params: Record<string, unknown>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`)
    .join('&');

export const APPROACHES: Approach[] = [
  { key: 'rest', label: 'REST (waterfall)', load: (s, c) => s.rest(c) },
  // The same waterfall from a client with a warm HTTP cache: every request revalidates and comes back 304.
  { key: 'revalidate', label: 'REST, HTTP cache warm (304s)', httpCache: true, load: (s, c) => s.rest(c) },
  {
    key: 'post',
    label: 'GraphQL POST',
    load: async (s, c) => s.view(data(await c.post('/graphql', { query: s.query, variables: s.variables }), s.name)),
  },
  {
    key: 'get',
    label: 'GraphQL GET',
    load: async (s, c) =>
      s.view(data(await c.get(`/graphql?${qs({ query: s.query, variables: s.variables })}`, [], PREFLIGHT), s.name)),
  },
  {
    key: 'persisted',
    label: 'GraphQL persisted GET, warm cache',
    // Automatic persisted queries: the hash alone; the first time, the server asks for the query once.
    async load(s, c) {
      const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(s.query) } };
      const res = await c.get(`/graphql?${qs({ variables: s.variables, extensions })}`, [], PREFLIGHT);
      if (res.json?.errors?.[0]?.extensions?.code !== 'PERSISTED_QUERY_NOT_FOUND') return s.view(data(res, s.name));
      const full = await c.get(`/graphql?${qs({ query: s.query, variables: s.variables, extensions })}`, [res], PREFLIGHT);
      return s.view(data(full, s.name));
    },
  },
];

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
