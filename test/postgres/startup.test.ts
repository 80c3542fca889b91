/**
 * Several instances started at once on one empty PostgreSQL database (a deploy that scales out from zero): the
 * migrations run once and the demo catalog is seeded once, while the other instances wait for it, then all serve.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { emptyDatabase, sqlOn } from '../helpers/db.js';

interface Instance {
  child: ChildProcess;
  url: Promise<string>;
  lines: string[];
}

function start(databaseUrl: string): Instance {
  // node itself with tsx's loader: one process, so a kill reaches the server (the tsx wrapper would leave it behind).
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', SEED_PRODUCTS: '120', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const url = new Promise<string>((ok, fail) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const found = /GraphQL at (http:\/\/[^/\s]+)\/graphql/.exec(line);
      if (found) ok(found[1]!);
    });
    child.once('exit', (code) => fail(new Error(`exited early with ${code}: ${lines.join('\n')}`)));
  });
  return { child, url, lines };
}

describe('instances starting together on an empty database', () => {
  it('migrate and seed once; every instance then serves the same catalog', { timeout: 120_000 }, async () => {
    const db = await emptyDatabase();
    const instances = [start(db.value), start(db.value)];
    try {
      const urls = await Promise.all(instances.map((i) => i.url));
      const seeded = instances.filter((i) => i.lines.some((l) => l.includes('empty database: seeding')));
      expect(seeded).toHaveLength(1);

      const engine = await openDatabase(db.value);
      try {
        const sql = sqlOn(engine);
        expect(await sql.value('SELECT count(*) FROM drizzle.__drizzle_migrations')).toBe(3);
        expect(await sql.value('SELECT count(*) FROM products')).toBe(120);
        expect(await sql.value(`SELECT count(*) FROM users WHERE email = 'buyer@example.com'`)).toBe(1);
      } finally {
        await engine.close();
      }
      for (const url of urls) {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ products(first: 100) { totalCount } }' }),
        });
        expect(((await res.json()) as any).data.products.totalCount).toBe(120);
      }
      for (const { child } of instances) {
        const exited = new Promise<number | null>((ok) => child.once('exit', ok));
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
      }
    } finally {
      for (const { child } of instances) child.kill('SIGKILL');
      await db.dispose();
    }
  });
});
