/**
 * A private, throwaway Redis for tests, `npm run cluster` and benchmarks: the system's `redis-server` (7 or newer),
 * a temp folder as its working directory, a free TCP port of 127.0.0.1, stopped by its PID and the folder deleted
 * afterwards. No persistence unless asked (`persist: true` keeps an append-only file in the folder, so a restart
 * comes back with the data it had).
 *
 * Missing `redis-server`: as root with apt-get (CI containers) it is installed as .ci/run does; anywhere else one
 * clear error names what to install. `REDIS_SERVER` overrides the binary's path.
 *
 *   npx tsx tools/services/redis.ts     # starts one, prints its URL, stops it on Ctrl-C
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../childServer.js';

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  dir: string;
  /** The running process' PID (changes on `restart`). */
  pid(): number;
  /** Stops the process (SIGKILL: an outage, not a shutdown) and keeps the folder and port for `restart`. */
  kill(): Promise<void>;
  /** Starts it again on the same port: empty, or with its data when started with `persist`. */
  restart(): Promise<void>;
  /** Stops it and removes the folder. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** @default a free port */
  port?: number;
  /** Keep an append-only file, so `restart` comes back with the data. @default false */
  persist?: boolean;
  /**
   * The memory bound. The response cache relies on a `volatile-*` policy: only keys with a TTL (entries, tag sets,
   * buckets) are evicted, never its epoch and invalidation records. @default '256mb'
   */
  maxmemory?: string;
  /** @default 'volatile-lru' */
  maxmemoryPolicy?: string;
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const bin = findRedisServer() ?? installRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'bazaar-redis-'));
  const port = options.port ?? (await freePort());
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', options.persist ? 'yes' : 'no',
    '--appendfsync', 'no',
    '--maxmemory', options.maxmemory ?? '256mb',
    '--maxmemory-policy', options.maxmemoryPolicy ?? 'volatile-lru',
    '--loglevel', 'warning',
  ];
  let child: ChildProcess | undefined;
  let removed = false;

  const killOnExit = () => {
    try {
      if (child?.pid) process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const launch = async () => {
    let log = '';
    child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        if (log.length < 20_000) log += chunk;
      });
    }
    await waitUntilReady(port, child, () => log);
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((done) => c.once('exit', () => done()));
    c.kill('SIGKILL');
    await exited;
  };

  process.on('exit', killOnExit);
  try {
    await launch();
  } catch (err) {
    await kill();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    pid: () => child!.pid!,
    kill,
    async restart() {
      await kill();
      await launch();
    },
    async stop() {
      if (removed) return;
      removed = true;
      await kill();
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the server answers PING with PONG (a raw RESP exchange: no client needed); 10 s at most. */
async function waitUntilReady(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}: ${log()}`);
    if (await ping(port)) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer within 10 s: ${log()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

/** The `redis-server` binary (7 or newer), or undefined. */
export function findRedisServer(): string | undefined {
  const candidates = [process.env.REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server', '/opt/homebrew/bin/redis-server'];
  try {
    candidates.push(execFileSync('which', ['redis-server'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // not on PATH
  }
  return candidates.find((path): path is string => !!path && existsSync(path));
}

const INSTALL_HINT =
  'redis-server (Redis 7+) not found: install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) ' +
  'or set REDIS_SERVER to its path';

/** As root (CI, containers) installs the Debian package non-interactively, as .ci/run does; otherwise says what to do. */
function installRedisServer(): string {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) throw new Error(INSTALL_HINT);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', 'redis-server']]) {
    const r = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed; ${INSTALL_HINT}`);
  }
  const bin = findRedisServer();
  if (!bin) throw new Error(INSTALL_HINT);
  return bin;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = await startRedis({ persist: process.argv.includes('--persist') });
  process.stdout.write(`Redis ready: REDIS_URL=${server.url} (pid ${server.pid()}; Ctrl-C stops it)\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void server.stop().then(() => process.exit(0)));
  }
}
