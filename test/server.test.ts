/** The process around the schema: operational routes, limits, production error masking, and `npm start`. */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { codesOf, startServer } from './helpers/server.js';
import { startFlags } from '../tools/startCommand.js';

describe('operational routes', () => {
  it('/health, /ready and /metrics answer', async () => {
    const server = await startServer();
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ database: 'ok' });
    await server.gql('{ categories { id } }');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^sql_statements_total \d+/m);
    expect(metrics).toMatch(/http_request_duration_seconds_count\{operation="\(anonymous\)",status="200"\} [1-9]/);
  });

  it('/ready is 503 naming the database when it does not answer', async () => {
    const server = await startServer();
    await server.database.close();
    const res = await fetch(`${server.url}/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ database: 'failed' });
  });

  it('a body over 256 KB is HTTP 413', async () => {
    const server = await startServer();
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ categories { id } } # ${'x'.repeat(300 * 1024)}` }),
    });
    expect(res.status).toBe(413);
  });

  it('a browser GET of /graphql gets Apollo Sandbox in development', async () => {
    const server = await startServer({ NODE_ENV: 'development' });
    const res = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/sandbox/i);
  });

  it('queries work over GET; mutations are not accepted by GET', async () => {
    const server = await startServer();
    const res = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ categories { slug } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).data.categories.length).toBeGreaterThan(5);
    const mutation = encodeURIComponent('mutation { logOut(refreshToken: "x") }');
    const refused = await fetch(`${server.url}/graphql?query=${mutation}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(refused.status).toBe(405);
  });
});

describe('no stack trace, SQL or path reaches a client in production', () => {
  it('an unexpected failure is a bare INTERNAL_SERVER_ERROR', async () => {
    const server = await startServer({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40) });
    const bad = await server.gql('{ product(id: "nope") { id } }');
    expect(codesOf(bad)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(bad.body)).not.toMatch(/stacktrace|\.ts:|at /);

    await server.database.close(); // every statement now throws inside the driver
    const res = await server.gql('{ products(first: 2) { nodes { title } } }');
    expect(codesOf(res)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(res.body.errors![0]!.message).toBe('Internal server error');
    expect(JSON.stringify(res.body)).not.toMatch(/stacktrace|database|sqlite|select|\/work|\.ts/i);
  });

  it('in development the same failure keeps its message for the developer', async () => {
    const server = await startServer({ NODE_ENV: 'development' });
    await server.database.close();
    const res = await server.gql('{ products(first: 2) { nodes { title } } }');
    expect(res.body.errors![0]!.message).toMatch(/database connection is not open/);
  });
});

describe('npm start on an empty database', () => {
  it('compiles, seeds, serves the nested product query, and exits cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bazaar-start-'));
    const file = join(dir, 'fresh.db');
    // What `npm start` runs: its prestart compiles to dist/, then node runs the JavaScript (schema and migrations
    // must resolve from there).
    execFileSync(process.execPath, ['tools/build.mjs', '--quiet']);
    const child = spawn(process.execPath, [...startFlags(), 'dist/src/main.js'], {
      env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: `file:${file}`, PORT: '0', HOST: '127.0.0.1', SEED_PRODUCTS: '300', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((ok, fail) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const found = /GraphQL at (http:\/\/[^/\s]+)\/graphql/.exec(line);
          if (found) ok(found[1]!);
        });
        child.once('exit', (code) => fail(new Error(`exited early with ${code}`)));
      });
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `{ products(first: 5) { edges { node { seller { name } category { name } rating
                   reviews(first: 5) { nodes { author { name } } } } } } }`,
        }),
      });
      const body = (await res.json()) as { data: { products: { edges: unknown[] } } };
      expect(body.data.products.edges).toHaveLength(5);

      const exited = new Promise<number | null>((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // Closing the database checkpoints and removes the WAL: proof the shutdown reached it.
      expect(existsSync(`${file}-wal`)).toBe(false);
      expect(existsSync(file)).toBe(true);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
    // A cold start compiles, seeds and hashes the demo accounts' passwords (scrypt): ~20 s when 2 cores are shared.
  }, 120_000);
});
