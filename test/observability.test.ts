/**
 * Observability: /metrics has every family the operators need and they move with real traffic; each request writes
 * one structured log line with its id, operation, cost, cache status and duration, and no secret.
 */
import { createClient } from 'graphql-ws';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { inject } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { openDatabase } from '../src/db/index.js';
import { createApp, type App } from '../src/server.js';
import { databaseFromTemplate } from './helpers/db.js';

interface Running {
  url: string;
  app: App;
  lines: Record<string, any>[];
  raw: string[];
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; json: any }>;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

/** A real server over a copy of the test catalog, logging at info into an array; `close` removes it and its files. */
async function start(env: Record<string, string> = {}): Promise<Running> {
  const db = await databaseFromTemplate(inject('templateDb'));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: db.value, ...env });
  const raw: string[] = [];
  const app = await createApp(config, await openDatabase(config.databaseUrl), { logStream: { write: (line: string) => void raw.push(line) } });
  const url = await app.listen(0, '127.0.0.1');
  return {
    url,
    app,
    raw,
    async close() {
      await app.close();
      await db.dispose();
    },
    get lines() {
      return raw.map((l) => JSON.parse(l));
    },
    async post(body, headers = {}) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return { status: res.status, headers: res.headers, json: await res.json() };
    },
    async metric(name, labels = {}) {
      const text = await (await fetch(`${url}/metrics`)).text();
      let total = 0;
      for (const line of text.split('\n')) {
        const m = /^([a-z_:]+)(?:\{([^}]*)\})? ([0-9.e+-]+)$/i.exec(line);
        if (!m || m[1] !== name) continue;
        const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
        if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[3]);
      }
      return total;
    },
  };
}

const PRODUCT = `query ProductPage($id: ID!) { product(id: $id) { id title seller { name } reviews(first: 3) { nodes { rating author { name } } } } }`;
const LOG_IN = 'mutation LogIn($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken refreshToken user { id } } }';

describe('/metrics', () => {
  let s: Running;
  beforeAll(async () => {
    s = await start({ RATE_LIMIT_ANON_MAX: '100000000', RATE_LIMIT_MAX: '100000000' });
    return () => s.close();
  });

  it('counts requests by operation and status, cache hits and misses, and SQL statements', async () => {
    const sqlBefore = await s.metric('sql_statements_total');
    const miss = await s.post({ query: PRODUCT, variables: { id: 'prd_1' } });
    const hit = await s.post({ query: PRODUCT, variables: { id: 'prd_1' } });
    expect([miss.headers.get('x-cache'), hit.headers.get('x-cache')]).toEqual(['MISS', 'HIT']);

    expect(await s.metric('http_request_duration_seconds_count', { operation: 'ProductPage', status: '200' })).toBe(2);
    expect(await s.metric('response_cache_requests_total', { result: 'miss' })).toBe(1);
    expect(await s.metric('response_cache_requests_total', { result: 'hit' })).toBe(1);
    expect(await s.metric('sql_statements_total')).toBeGreaterThan(sqlBefore);

    await fetch(`${s.url}/api/v1/products/prd_1`);
    expect(await s.metric('http_request_duration_seconds_count', { operation: 'GET /api/v1/products/:id', status: '200' })).toBe(1);
  });

  it('shows active WebSocket connections and subscriptions while they are open, and zero after', async () => {
    const login = await s.post({ query: LOG_IN, variables: { e: 'buyer@example.com', p: 'demo-password' } });
    const token = login.json.data.logIn.accessToken;
    const client = createClient({
      url: s.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    const stop = client.subscribe({ query: 'subscription { myOrderUpdates { id } }' }, { next() {}, error() {}, complete() {} });
    const deadline = Date.now() + 5000;
    while (s.app.subscriptions.stats().subscriptions < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await s.metric('websocket_connections')).toBe(1);
    expect(await s.metric('graphql_subscriptions')).toBe(1);
    stop();
    await client.dispose();
    while (s.app.subscriptions.stats().sockets > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await s.metric('websocket_connections')).toBe(0);
    expect(await s.metric('graphql_subscriptions')).toBe(0);
  });
});

describe('/metrics refusals', () => {
  let s: Running;
  beforeAll(async () => {
    // A bucket of 10 points that refills one a second: one 10-point query empties it.
    s = await start({ MAX_QUERY_COST: '10', RATE_LIMIT_ANON_MAX: '10', RATE_LIMIT_RESTORE: '1' });
    return () => s.close();
  });

  it('counts QUERY_TOO_COMPLEX by limit and RATE_LIMITED', async () => {
    const tooCostly = await s.post({ query: '{ products(first: 50) { nodes { id } } }' });
    expect(tooCostly.json.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(await s.metric('graphql_refused_total', { limit: 'cost' })).toBe(1);

    const nine = '{ products(first: 9) { nodes { id } } }'; // 1 + 9 points, all of them returned
    expect((await s.post({ query: nine })).status).toBe(200);
    const limited = await s.post({ query: `query Again ${nine}` });
    expect(limited.status).toBe(429);
    expect(await s.metric('rate_limited_total')).toBe(1);
    expect(await s.metric('http_request_duration_seconds_count', { operation: 'Again', status: '429' })).toBe(1);
  });
});

describe('request log', () => {
  let s: Running;
  beforeAll(async () => {
    s = await start({ RATE_LIMIT_ANON_MAX: '100000000', RATE_LIMIT_MAX: '100000000' });
    return () => s.close();
  });

  it('writes one line per request with its id, operation, cost, cache status and duration', async () => {
    const before = s.raw.length;
    await s.post({ query: PRODUCT, variables: { id: 'prd_2' } });
    await s.post({ query: PRODUCT, variables: { id: 'prd_2' } });
    await new Promise((r) => setTimeout(r, 50)); // onResponse runs after the client has its answer
    const lines = s.lines.slice(before).filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(2);
    const [miss, hit] = lines as [Record<string, any>, Record<string, any>];
    for (const line of [miss, hit]) {
      expect(line).toMatchObject({ level: 30, method: 'POST', path: '/graphql', operation: 'ProductPage', status: 200 });
      expect(typeof line.reqId).toBe('string');
      expect(line.ms).toBeGreaterThanOrEqual(0);
      expect(line.cost.requested).toBeGreaterThan(0);
    }
    expect(miss.reqId).not.toBe(hit.reqId);
    expect([miss.cache, hit.cache]).toEqual(['MISS', 'HIT']);
  });

  it('never contains a password, an access token or a refresh token', async () => {
    const before = s.raw.length;
    const login = await s.post({ query: LOG_IN, variables: { e: 'buyer@example.com', p: 'demo-password' } });
    const { accessToken, refreshToken } = login.json.data.logIn;
    const auth = { authorization: `Bearer ${accessToken}` };
    await s.post({ query: '{ viewer { email } }' }, auth);
    await s.post({ query: '{ viewer { email } }' }, { authorization: 'Bearer not.a.valid-token' });
    await s.post({ query: 'mutation R($t: String!) { refreshSession(refreshToken: $t) { accessToken } }', variables: { t: refreshToken } }, auth);
    await fetch(`${s.url}/graphql?query=${encodeURIComponent('{ viewer { id } }')}&variables=${encodeURIComponent(JSON.stringify({ secret: refreshToken }))}`, {
      headers: { ...auth, 'apollo-require-preflight': 'true' },
    });
    await new Promise((r) => setTimeout(r, 50));
    const written = s.raw.slice(before).join('');
    expect(s.lines.slice(before).filter((l) => l.msg === 'request')).toHaveLength(5);
    expect(s.lines.slice(before).find((l) => l.operation === 'LogIn')).toMatchObject({ status: 200, cache: 'BYPASS' });
    for (const secret of ['demo-password', accessToken, refreshToken, 'not.a.valid-token', 'buyer@example.com']) {
      expect(written).not.toContain(secret);
    }
  });
});
