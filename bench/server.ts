/**
 * The system under test, as `npm start` runs it in production: `node <its flags> dist/src/main.js` (compiled by
 * tools/build.mjs, which `npm run bench` runs first) in a child process,
 * over its own copy of one seeded SQLite file (so a scenario that writes cannot disturb the next), on a free port,
 * logs at `warn`, rate-limit buckets too large to run dry (the benchmark measures requests, not the limiter).
 */
import { freePort, stop, waitReady } from '../tools/childServer.js';
import { startFlags } from '../tools/startCommand.js';
import { spawn, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { processCpuMs } from './cpu.js';
import { queryColumn, queryValue } from '../src/db/adhoc.js';
import { openDatabase } from '../src/db/index.js';
import { seedDatabase } from '../seed/seed.js';

export const ROOT = resolve(import.meta.dirname, '..');

export interface Catalog {
  dir: string;
  file: string;
  products: number;
  /** The product with the most reviews (the product page). */
  productId: string;
  /** The category with the most products (the category listing). */
  categoryId: string;
  /** A product of the demo seller (sel_1): the flash sale's and the fan-out orders'. */
  sellerProductIds: string[];
  seedSeconds: number;
}

/** Seeds `products` products (the deterministic demo catalog) into a temporary file, once for the whole run. */
export async function seedCatalog(products: number): Promise<Catalog> {
  const dir = mkdtempSync(join(tmpdir(), 'bazaar-bench-'));
  const file = join(dir, 'catalog.db');
  const database = await openDatabase(file);
  const started = performance.now();
  await seedDatabase(database, { products });
  const seedSeconds = (performance.now() - started) / 1000;
  const one = (sql: string) => queryValue<number>(database, sql);
  const catalog: Catalog = {
    dir,
    file,
    products,
    productId: `prd_${await one('select id from products order by review_count desc, id limit 1')}`,
    categoryId: `cat_${await one('select category_id from products group by category_id order by count(*) desc, category_id limit 1')}`,
    sellerProductIds: (await queryColumn<number>(database, 'select id from products where seller_id = 1 order by id limit 12')).map(
      (id) => `prd_${id}`,
    ),
    seedSeconds,
  };
  await database.close(); // the last connection to close checkpoints and removes the WAL
  return catalog;
}

export interface RunningServer {
  url: string;
  /** Every instance's URL when the server is several instances (bench/cluster.ts); load is spread over them. */
  urls?: string[];
  label: string;
  /** Its copy of the catalog, as a DATABASE_URL: a SQLite file, or a PostgreSQL database (read it for checks). */
  databaseUrl: string;
  /** Sums the samples of a metric family on /metrics whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** CPU time its process has used so far (every thread), in ms; undefined where /proc cannot tell (not Linux). */
  cpuMs(): number | undefined;
  /** Its process id (one process; undefined for several instances): `threadsCpuMs` in bench/cpu.ts reads it. */
  pid?: number;
  stop(): Promise<void>;
}


/**
 * A program every server and peer started from now on runs under, before node (`valgrind --tool=callgrind …`,
 * bench/instructions.ts), and node flags they all get first: empty by default, node runs as itself.
 */
let launcher: string[] = [];
let launcherFlags: string[] = [];
export function launchUnder(prefix: string[], nodeFlags: string[] = []): void {
  launcher = prefix;
  launcherFlags = nodeFlags;
}

/** Spawns node with `args` (under the launcher, if one is set). */
export function spawnNode(args: string[], options: SpawnOptions) {
  const [program, ...before] = [...launcher, process.execPath, ...launcherFlags];
  return spawn(program!, [...before, ...args], options);
}

/** Every server of the run verifies the same tokens. */
const SECRET = randomBytes(32).toString('base64url');
let copies = 0;

/**
 * Starts the server over a fresh copy of the catalog and waits until `/ready` answers. `databaseUrl`: a copy made
 * elsewhere (a PostgreSQL database, bench/postgres.ts) instead of a copy of the SQLite file.
 */
export async function startServer(
  catalog: Catalog,
  label: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
  /** What node runs: the compiled server, or (to show what compiling buys) the TypeScript under tsx. */
  entry: string[] = [join('dist', 'src', 'main.js')],
  /** A copy made elsewhere (a PostgreSQL database, bench/postgres.ts) instead of a copy of the SQLite file. */
  databaseUrl?: string,
): Promise<RunningServer> {
  const file = databaseUrl ?? join(catalog.dir, `server-${++copies}.db`);
  if (!databaseUrl) copyFileSync(catalog.file, file);
  const port = await freePort();
  // npm start's node flags, if its script gains any, for the server however it is run; a peer runs plain node.
  const child = spawnNode([...startFlags(), ...nodeArgs, ...entry], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      JWT_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: file,
      SEED_PRODUCTS: '0',
      RATE_LIMIT_MAX: '1000000000',
      RATE_LIMIT_ANON_MAX: '1000000000',
      // The flash sale signs its buyers up from one address, faster than the per-network sign-up throttle allows.
      SIGNUP_BURST: '100000',
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child);
  return {
    url,
    label,
    databaseUrl: file,
    metric: (name, labels) => readMetric(url, name, labels),
    cpuMs: () => processCpuMs(child.pid),
    pid: child.pid,
    async stop() {
      await stop(child);
      if (!databaseUrl) for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
}

export function cleanUp(catalog: Catalog): void {
  rmSync(catalog.dir, { recursive: true, force: true });
}

export async function readMetric(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[3]);
  }
  return total;
}

export { freePort };
