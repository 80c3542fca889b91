/**
 * The system under test, as `npm start` runs it: a seeded SQLite file in a temporary folder, and the server in
 * child processes (production mode, logs off), each on a free port. Two servers share the one database file: one
 * with the response cache off, for REST and the plain GraphQL columns (so repeated loads measure the work, not the
 * cache), and one with it on, for the persisted-query column.
 */
import { freePort, stop, waitReady } from '../tools/childServer.js';
import { execFileSync, spawn } from 'node:child_process';
import { startFlags } from '../tools/startCommand.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { queryColumn, queryValue } from '../src/db/adhoc.js';
import { openDatabase } from '../src/db/index.js';
import { seedDatabase } from '../seed/seed.js';

export interface Seeded {
  dir: string;
  file: string;
  /** The category with the most products (the category page). */
  categoryId: string;
  /** The product with the most reviews (the product page). */
  productId: string;
  /** Three in-stock products of sel_1 (the order page). */
  orderProductIds: string[];
}

export async function seed(products: number): Promise<Seeded> {
  const dir = mkdtempSync(join(tmpdir(), 'bazaar-compare-'));
  const file = join(dir, 'compare.db');
  const database = await openDatabase(file);
  await seedDatabase(database, { products });
  const one = (sql: string) => queryValue<number>(database, sql);
  const seeded: Seeded = {
    dir,
    file,
    categoryId: `cat_${await one('select category_id from products group by category_id order by count(*) desc, category_id limit 1')}`,
    productId: `prd_${await one('select id from products order by review_count desc, id limit 1')}`,
    orderProductIds: (
      await queryColumn<number>(database, 'select id from products where seller_id = 1 and stock >= 10 order by id limit 3')
    ).map((id) => `prd_${id}`),
  };
  await database.close(); // the last connection to close checkpoints and removes the WAL
  return seeded;
}

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

let built = false;

/** Compiles (once) and starts `node <npm start's flags> dist/src/main.js` (what `npm start` runs); waits until `/ready` answers 200. */
export async function startServer(file: string, env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const root = resolve(import.meta.dirname, '..');
  if (!built) execFileSync(process.execPath, ['tools/build.mjs', '--quiet'], { cwd: root });
  built = true;
  const child = spawn(process.execPath, [...startFlags(), 'dist/src/main.js'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      JWT_SECRET: SECRET,
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: file,
      SEED_PRODUCTS: '0',
      // The benchmark measures requests, not the limiter: buckets too large to run dry.
      RATE_LIMIT_MAX: '1000000000',
      RATE_LIMIT_ANON_MAX: '1000000000',
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child);
  return { url, stop: () => stop(child) };
}

/** Both servers verify the same tokens. */
const SECRET = randomBytes(32).toString('base64url');

export function cleanUp(seeded: Seeded): void {
  rmSync(seeded.dir, { recursive: true, force: true });
}
