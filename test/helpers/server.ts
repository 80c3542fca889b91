/**
 * A real server on an ephemeral port over a real database (a fresh one made from the seeded template, see
 * ./db.ts), plus a small GraphQL client and raw SQL on its engine. `startServer` registers its own teardown, so
 * tests never leak servers or databases.
 */
import { afterAll, inject } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import type { Engine } from '../../src/db/engine.js';
import { openDatabase } from '../../src/db/index.js';
import { createApp, type App } from '../../src/server.js';
import { databaseFromTemplate, sqlOn, type Sql } from './db.js';

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: { message: string; path?: unknown[]; extensions?: Record<string, any> }[] };
}

export interface TestServer {
  url: string;
  app: App;
  database: Engine;
  /** The server's DATABASE_URL: another engine (another instance) may open it too. */
  databaseUrl: string;
  /** Raw SQL on the server's database (fixtures and checks). */
  sql: Sql;
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Runs `fn` and returns how many SQL statements the database executed meanwhile. */
  countSql<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number }>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** A clock the test controls (token expiry, lockouts, bucket refills). @default Date.now */
  clock?: () => number;
  /** Cache hits answered before fastify (src/http/frontDoor.ts). @default true */
  frontDoor?: boolean;
}

/**
 * Suites send hundreds of queries a second from one address; a contract-sized bucket would throttle them. Buckets
 * are huge unless a test sets RATE_LIMIT_ANON_MAX / RATE_LIMIT_MAX itself (test/rate-limit.test.ts does), and so
 * is the sign-up throttle unless a test sets SIGNUP_BURST (test/hostile-auth.test.ts does).
 */
const UNTHROTTLED = { RATE_LIMIT_ANON_MAX: '100000000', RATE_LIMIT_MAX: '100000000', SIGNUP_BURST: '100000' };

/**
 * Queries on the event loop unless a test asks for execution threads (test/execution-threads.test.ts,
 * test/fast-path.test.ts): a thread takes work only once it has loaded, so which path a query took would otherwise
 * depend on timing.
 */
const INLINE = { EXECUTION_THREADS: '0' };

/**
 * Servers still open when a test file ends. Registered at import (the file's root suite): an `afterAll` called from
 * inside a `beforeAll` would never run, and every server would leak its temp folder.
 */
const open = new Set<() => Promise<void>>();
afterAll(async () => {
  for (const close of open) await close();
  open.clear();
});

/** A JSON POST to a server's /graphql: what `TestServer.gql` is, for servers the tests start themselves. */
export function gqlOn(url: string): TestServer['gql'] {
  return async (query, variables, headers = {}) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse['body'] };
  };
}

export async function startServer(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestServer> {
  const db = await databaseFromTemplate(inject('templateDb'));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: db.value, ...UNTHROTTLED, ...INLINE, ...env });
  const database = await openDatabase(config.databaseUrl, { sqliteReaders: config.sqliteReaders, sqliteOffloadUs: config.sqliteOffloadUs });
  const app = await createApp(config, database, { clock: options.clock, frontDoor: options.frontDoor });
  const url = await app.listen(0, '127.0.0.1');

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
    await db.dispose();
  };
  open.add(close);

  return {
    url,
    app,
    database,
    databaseUrl: config.databaseUrl,
    sql: sqlOn(database),
    close,
    gql: gqlOn(url),
    async countSql(fn) {
      const before = database.stats.statements;
      const result = await fn();
      return { result, statements: database.stats.statements - before };
    },
  };
}

/** The data of a response that must have no errors. */
export function dataOf<T>(res: GraphQLResponse<T>): T {
  if (res.body.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data as T;
}

/** The codes of a response's errors, in order. */
export function codesOf(res: GraphQLResponse): string[] {
  return (res.body.errors ?? []).map((e) => e.extensions?.code);
}
