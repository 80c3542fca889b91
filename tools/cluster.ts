/**
 * `npm run cluster -- --instances 3 [--port 4001] [--products 10000] [--database postgres|sqlite]`: one server made of
 * N instances, as in production. Starts a private Redis and a database from the system's binaries in temp folders
 * (PostgreSQL by default; with `--database sqlite` one SQLite file all instances share), then
 * N instances (`src/main.ts`) on consecutive ports with the same DATABASE_URL, REDIS_URL and JWT_SECRET. Prints the
 * URLs; Ctrl-C stops the instances (gracefully), then the stores, and removes every temp folder.
 *
 * Put any load balancer in front (round robin is fine: the instances hold no state of their own).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, waitReady } from './childServer.js';
import { startPostgres } from './services/postgres.js';
import { startRedis, type RedisServer } from './services/redis.js';

export interface ClusterOptions {
  instances: number;
  /** The first instance's port; the others follow. 0: any free port for each (tests: consecutive ones may be taken). */
  port: number;
  products: number;
  database: 'postgres' | 'sqlite';
  /** Extra environment for every instance. */
  env?: Record<string, string>;
  /** Where the instances' output goes. @default ignored */
  output?: 'inherit' | 'ignore';
}

export interface Cluster {
  urls: string[];
  databaseUrl: string;
  redisUrl: string;
  /** The private Redis and database (tests stop and restart them). */
  redis: RedisServer;
  database: ClusterDatabase;
  children: ChildProcess[];
  stop(): Promise<void>;
}

export interface ClusterDatabase {
  url: string;
  /** An outage (PostgreSQL only): the server stops at once and keeps its data. */
  kill?(): Promise<void>;
  /** Back after `kill`, with its data. */
  restart?(): Promise<void>;
  stop(): Promise<void>;
}

/** A private PostgreSQL (tools/services/postgres.ts), or one SQLite file in a temp folder. */
async function startDatabase(kind: ClusterOptions['database']): Promise<ClusterDatabase> {
  if (kind === 'postgres') {
    const pg = await startPostgres();
    return { url: pg.url, kill: () => pg.kill(), restart: () => pg.restart(), stop: () => pg.stop() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bazaar-cluster-'));
  return { url: join(dir, 'bazaar.db'), stop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** SIGTERM (graceful), then wait for the exit; nothing to do for one already gone (a test may SIGKILL one). */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const redis = await startRedis();
  const database = await startDatabase(options.database).catch(async (err) => {
    await redis.stop();
    throw err;
  });
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  const starting: (() => Promise<void>)[] = [];
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    SEED_PRODUCTS: String(options.products),
    HOST: '127.0.0.1',
    ...options.env,
  };
  const stopAll = async () => {
    await Promise.all(children.map((child) => stop(child)));
    await redis.stop();
    await database.stop();
  };
  try {
    for (let i = 0; i < options.instances; i++) {
      const port = options.port === 0 ? await freePort() : options.port + i;
      const inherit = options.output === 'inherit';
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: { ...env, PORT: String(port) },
        stdio: ['ignore', inherit ? 'inherit' : 'pipe', inherit ? 'inherit' : 'pipe'],
      });
      // Not shown, but kept (the last 4 KB of its log and errors): an instance that fails to start says why.
      let output = '';
      const keep = (chunk: string) => void (output = (output + chunk).slice(-4096));
      child.stdout?.setEncoding('utf8').on('data', keep);
      child.stderr?.setEncoding('utf8').on('data', keep);
      children.push(child);
      const url = `http://127.0.0.1:${port}`;
      const ready = () => waitReady(url, child).catch((err: Error) => {
        throw new Error(`instance ${i + 1} (${url}): ${err.message}${output ? `\n${output}` : ''}`);
      });
      // The first instance seeds an empty database; the others start once it serves.
      if (i === 0) await ready();
      urls.push(url);
      starting.push(ready);
    }
    await Promise.all(starting.slice(1).map((ready) => ready()));
  } catch (err) {
    await stopAll();
    throw err;
  }
  return { urls, databaseUrl: database.url, redisUrl: redis.url, redis, database, children, stop: stopAll };
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const { values } = parseArgs({
    options: {
      instances: { type: 'string', default: '3' },
      port: { type: 'string', default: '4001' },
      products: { type: 'string', default: '10000' },
      database: { type: 'string', default: 'postgres' },
    },
  });
  const cluster = await startCluster({
    instances: Number(values.instances),
    port: Number(values.port),
    products: Number(values.products),
    database: values.database === 'sqlite' ? 'sqlite' : 'postgres',
    output: 'inherit',
  });
  process.stdout.write(
    `\n${cluster.urls.length} instances, one server:\n${cluster.urls.map((u) => `  ${u}/graphql`).join('\n')}\n` +
      `DATABASE_URL=${cluster.databaseUrl}\nREDIS_URL=${cluster.redisUrl}\nCtrl-C stops everything.\n`,
  );
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void cluster.stop().then(() => process.exit(0));
    });
  }
}
