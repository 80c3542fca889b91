/**
 * A private, throwaway PostgreSQL for tests, `npm run cluster` and benchmarks: the system's own server binaries
 * (`pg_config --bindir`, else /usr/lib/postgresql/<newest>/bin), a fresh cluster in a temp folder, listening on a
 * free TCP port of 127.0.0.1 and on a unix socket in that folder, stopped by its PID and deleted afterwards.
 *
 * Durability is switched off (fsync, synchronous_commit, full_page_writes): the cluster lives for one run and a
 * crash only loses a temp folder. Never copy these settings to a server whose data matters.
 *
 * As root (CI containers), initdb and postgres refuse to run, so both run as the `postgres` user that the Debian
 * package creates, and missing binaries are installed with apt-get as CI does. Anywhere else a missing server is
 * one clear error naming what to install.
 *
 *   npx tsx tools/services/postgres.ts     # starts one, prints its URL, stops it on Ctrl-C
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { freePort } from '../childServer.js';

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication: the cluster is private). */
  url: string;
  /** The same database over the unix socket (cheaper per connection): `postgres://postgres@/postgres?host=<dir>`. */
  socketUrl: string;
  port: number;
  /** The folder holding the socket (and the cluster, in `data/`). */
  dir: string;
  pid: number;
  /** The URL of another database on this server. */
  urlFor(database: string): string;
  /** An outage: immediate shutdown of the server, keeping its folder and port for `restart`. */
  kill(): Promise<void>;
  /** Starts the server again on the same folder and port, with its data (after crash recovery). */
  restart(): Promise<void>;
  /** Immediate shutdown (no checkpoint: nothing is kept), then the folder is removed. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** @default a free port */
  port?: number;
  /** @default 200: each test file's server has its own pool, and the concurrency tests open many at once. */
  maxConnections?: number;
  /** Server settings added to (or overriding) the test defaults, e.g. `{ shared_buffers: '256MB' }`. */
  settings?: Record<string, string | number>;
}

/** The test defaults: no durability (see above), and no background work that competes for two cores. */
const TEST_SETTINGS: Record<string, string | number> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  listen_addresses: '127.0.0.1',
  shared_buffers: '128MB',
  max_wal_size: '1GB',
  autovacuum: 'off',
  jit: 'off',
  log_min_messages: 'warning',
  // Deadlocks (there must be none) are reported sooner than the default second.
  deadlock_timeout: '200ms',
};

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = findBinaries() ?? installBinaries();
  const owner = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'bazaar-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  let child: ChildProcess | undefined;
  let stopped = false;

  const halt = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((done) => child!.once('exit', () => done()));
      child.kill('SIGQUIT'); // postgres' "immediate shutdown"
      const timer = setTimeout(() => child!.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    await halt();
    rmSync(dir, { recursive: true, force: true });
  };
  // A test runner that dies must not leave a server behind; an exit handler may only do synchronous work.
  const killOnExit = () => {
    try {
      if (child?.pid) process.kill(child.pid, 'SIGQUIT');
    } catch {
      // already gone
    }
  };

  try {
    const init = spawnSync(
      join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
      { ...owner, encoding: 'utf8' },
    );
    if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout}`);

    const port = options.port ?? (await freePort());
    const settings = { ...TEST_SETTINGS, max_connections: options.maxConnections ?? 200, ...options.settings };
    const args = ['-D', data, '-p', String(port), '-k', dir];
    for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const launch = async () => {
      const started = spawn(join(bin, 'postgres'), args, { ...owner, stdio: ['ignore', 'ignore', 'pipe'] });
      child = started;
      let log = '';
      started.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        if (log.length < 20_000) log += chunk;
      });
      await waitUntilReady(url, started, () => log);
    };
    process.on('exit', killOnExit);
    await launch();
    const server: PostgresServer = {
      url,
      socketUrl: `postgres://postgres@/postgres?host=${encodeURIComponent(dir)}&port=${port}`,
      port,
      dir,
      pid: child!.pid!,
      urlFor: (database) => `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`,
      kill: halt,
      async restart() {
        await halt();
        await launch();
        server.pid = child!.pid!;
      },
      stop,
    };
    return server;
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Polls with a real connection (what clients will do) until the server accepts one; 30 s at most. */
async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited with code ${child.exitCode}: ${log()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 30 s: ${log() || err}`);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/** The directory holding `initdb` and `postgres` (15 or newer), or undefined. `PG_BINDIR` overrides the search. */
export function findBinaries(): string | undefined {
  const candidates: string[] = [];
  if (process.env.PG_BINDIR) candidates.push(process.env.PG_BINDIR);
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // no pg_config on PATH (it comes with the client or dev package, not always with the server)
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => Number(v) >= 15)
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(join(debian, v, 'bin'));
  }
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')));
}

const INSTALL_HINT =
  'PostgreSQL 15+ server binaries (initdb, postgres) not found: install them (Debian/Ubuntu: apt-get install postgresql; ' +
  'macOS: brew install postgresql@16) or set PG_BINDIR to their directory';

/** As root (CI, containers) installs the Debian package non-interactively, as .ci/run does; otherwise says what to do. */
function installBinaries(): string {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) throw new Error(INSTALL_HINT);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', 'postgresql']]) {
    const r = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed; ${INSTALL_HINT}`);
  }
  const bin = findBinaries();
  if (!bin) throw new Error(INSTALL_HINT);
  return bin;
}

/** As root, the `postgres` system user's ids (initdb and postgres refuse root); otherwise undefined (run as us). */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root, but there is no `postgres` user to run PostgreSQL as (apt-get install postgresql creates it)');
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = await startPostgres();
  process.stdout.write(`PostgreSQL ready: DATABASE_URL=${server.url} (pid ${server.pid}; Ctrl-C stops it)\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void server.stop().then(() => process.exit(0)));
  }
}
