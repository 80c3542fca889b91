/**
 * The peers as the benchmark runs them: each compiled (`npm run build` puts them in dist/bench/peers) and started
 * in a child process in production mode over its own copy of the catalog, like the project's server, and checked
 * to answer both screens with the very `data` the project answers before anything is timed.
 */
import { copyFileSync, rmSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { freePort, stop, waitReady } from '../../tools/childServer.js';
import type { HttpRequest } from '../measure.js';
import { processCpuMs } from '../cpu.js';
import { ROOT, readMetric, spawnNode, type Catalog, type RunningServer } from '../server.js';

export type PeerKind = 'apollo' | 'mercurius';

export const PEERS: Record<PeerKind, string> = {
  apollo: 'Apollo Server 5 + DataLoader (fastify, graphql-js)',
  mercurius: 'Mercurius + graphql-jit + DataLoader',
};

let copies = 0;

export async function startPeer(catalog: Catalog, kind: PeerKind, cache: boolean, nodeArgs: string[] = []): Promise<RunningServer> {
  const file = join(catalog.dir, `peer-${kind}-${++copies}.db`);
  copyFileSync(catalog.file, file);
  const port = await freePort();
  const child = spawnNode([...nodeArgs, join('dist', 'bench', 'peers', `${kind}.js`)], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), PEER_DATABASE: file, PEER_CACHE: cache ? 'on' : 'off' },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child);
  return {
    url,
    label: `${PEERS[kind]}${cache ? `, ${kind === 'apollo' ? "Apollo's response-cache plugin" : 'mercurius-cache'}` : ''}`,
    databaseUrl: file,
    metric: (name, labels) => readMetric(url, name, labels),
    cpuMs: () => processCpuMs(child.pid),
    pid: child.pid,
    async stop() {
      await stop(child);
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
}

/**
 * Throws unless `server` answers `request` with the same `data` as `reference` does, three times (graphql-jit
 * compiles a document on a later request than the first, so the compiled query's answer is checked too).
 */
export async function checkSameData(reference: RunningServer, server: RunningServer, request: HttpRequest): Promise<void> {
  const data = async (s: RunningServer) => {
    const res = await fetch(s.url + request.path, { method: request.method, headers: request.headers, body: request.body });
    const json = (await res.json()) as { data?: unknown; errors?: unknown };
    if (!res.ok || json.errors) throw new Error(`${s.label}: HTTP ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
    return json.data;
  };
  const expected = await data(reference);
  for (let i = 0; i < 3; i++) {
    const got = await data(server);
    if (!isDeepStrictEqual(got, expected)) {
      throw new Error(`${server.label} answers ${request.path} with other data than the project:\n${JSON.stringify(got).slice(0, 600)}\n${JSON.stringify(expected).slice(0, 600)}`);
    }
  }
}
