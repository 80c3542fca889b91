/**
 * The server as `npm start` runs it, in a child process of its own (over a fresh copy of the seeded template), for
 * tests that measure the process itself: its resident memory, or its event loop under load. Stopped at file end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, inject } from 'vitest';
import { freePort, stop, waitReady } from '../../tools/childServer.js';
import { databaseFromTemplate } from './db.js';

const ROOT = resolve(import.meta.dirname, '../..');
const running = new Set<() => Promise<void>>();
afterAll(async () => {
  for (const close of running) await close();
  running.clear();
});

export interface ChildServer {
  url: string;
  child: ChildProcess;
  /** The child's resident set size in bytes, read from /proc. */
  rss(): number;
  close(): Promise<void>;
}

export async function startChildServer(env: Record<string, string> = {}): Promise<ChildServer> {
  // A fresh database from the run's template: a file copy on SQLite, a database from the template on PostgreSQL.
  const database = await databaseFromTemplate(inject('templateDb'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      JWT_SECRET: 'child-server-test-secret-0123456789abcdef',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: database.value,
      SEED_PRODUCTS: '0',
      RATE_LIMIT_MAX: '1000000000',
      RATE_LIMIT_ANON_MAX: '1000000000',
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    await stop(child);
    await database.dispose();
  };
  running.add(close);
  await waitReady(url, child);
  return {
    url,
    child,
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
    },
    close,
  };
}
