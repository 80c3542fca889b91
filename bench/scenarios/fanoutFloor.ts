/**
 * `npx tsx bench/scenarios/fanoutFloor.ts [--connections 10000]`: the memory floor of a WebSocket connection in
 * Node, beside what the server holds per subscriber. Opens N connections from a child process to three servers in
 * turn, each in a fresh process of its own: a `node:net` server that only accepts (the TCP socket and its stream
 * state), a `ws` server (`noServer` on node:http, as the app attaches it: the upgrade, `WebSocket`, its `Receiver`
 * and `Sender`), and the app itself (createApp over a small seeded SQLite file), where each connection signs in as
 * the demo seller and subscribes to `myOrderUpdates` (fanoutClient.ts). Prints RSS and heap growth per connection,
 * the heap measured after a full garbage collection (what is retained, not what the connections left behind).
 */
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket, { WebSocketServer } from 'ws';
import { logIn } from './accounts.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '10000' },
    role: { type: 'string' },
    kind: { type: 'string' },
    port: { type: 'string' },
  },
});
const n = Number(values.connections);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Listens; returns its port, a token to sign in with (the app), and how many connections it holds. */
async function listen(kind: string): Promise<{ port: number; token?: string; held: () => number }> {
  if (kind === 'app') {
    const cap = String(n + 100);
    Object.assign(process.env, {
      NODE_ENV: 'production', LOG_LEVEL: 'warn', JWT_SECRET: 'x'.repeat(40), SEED_PRODUCTS: '0',
      DATABASE_URL: join(mkdtempSync(join(tmpdir(), 'bazaar-floor-')), 'app.db'),
      WS_MAX_CONNECTIONS: cap, WS_MAX_CONNECTIONS_PER_IP: cap, WS_MAX_SUBSCRIPTIONS_PER_USER: cap,
      RATE_LIMIT_MAX: '1000000000', RATE_LIMIT_ANON_MAX: '1000000000',
    });
    const { loadConfig } = await import('../../src/config/index.js');
    const { openDatabase } = await import('../../src/db/index.js');
    const { createApp } = await import('../../src/server.js');
    const { seedDatabase } = await import('../../seed/seed.js');
    const config = loadConfig();
    const database = await openDatabase(config.databaseUrl);
    await seedDatabase(database, { products: 20 });
    const app = await createApp(config, database);
    const url = await app.listen(0, '127.0.0.1');
    return { port: Number(new URL(url).port), token: await logIn(url, 'seller@example.com'), held: () => app.subscriptions.stats().listeners };
  }
  const held: unknown[] = [];
  const server =
    kind === 'net'
      ? createNetServer((socket) => void held.push(socket))
      : createHttpServer().on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => {
          ws.on('message', () => {});
          ws.on('error', () => {});
          held.push(ws);
        }));
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false });
  server.listen(0, '127.0.0.1', 511);
  await once(server, 'listening');
  return { port: (server.address() as { port: number }).port, held: () => held.length };
}

/** The server side: listens, reports its port, then answers `measure` with its RSS and heap after a full GC. */
async function serve(kind: string): Promise<void> {
  const { port, token, held } = await listen(kind);
  process.send!({ port, token });
  process.on('message', () => {
    globalThis.gc!();
    process.send!({ rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, held: held() });
  });
}

/** The client side of `net` and `ws`: opens N connections, prints `ready`, waits to be killed. */
async function open(kind: string, port: number): Promise<void> {
  const keep: unknown[] = [];
  for (let i = 0; i < n; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, n - i) }, () => new Promise<void>((done, failed) => {
      const s = kind === 'net' ? connect(port, '127.0.0.1', () => done()) : new WebSocket(`ws://127.0.0.1:${port}/`).on('open', () => done());
      s.on('error', failed);
      keep.push(s);
    })));
  }
  process.stdout.write('ready\n');
  await new Promise(() => {});
}

if (values.role === 'server') await serve(values.kind!);
else if (values.role === 'client') await open(values.kind!, Number(values.port));
else {
  for (const kind of ['net', 'ws', 'app']) {
    const server = fork(import.meta.filename, ['--role', 'server', '--kind', kind, '--connections', String(n)], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
    });
    const ask = async () => {
      server.send('measure');
      const [m] = await once(server, 'message');
      return m as { rss: number; heap: number; held: number };
    };
    const [{ port, token }] = (await once(server, 'message')) as [{ port: number; token?: string }];
    await sleep(500);
    const before = await ask();
    const args =
      kind === 'app'
        ? ['bench/scenarios/fanoutClient.ts', JSON.stringify({
            wsUrl: `ws://127.0.0.1:${port}/graphql`, token, count: n,
            query: 'subscription { myOrderUpdates { id status updatedAt events { id status at } } }',
          })]
        : [import.meta.filename, '--role', 'client', '--kind', kind, '--port', String(port), '--connections', String(n)];
    const client = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    await once(client.stdout!, 'data');
    let after = await ask();
    while (after.held < n) {
      await sleep(200);
      after = await ask();
    }
    await sleep(1000);
    after = await ask();
    const per = (bytes: number) => `${(bytes / after.held / 1024).toFixed(1)} KB`;
    console.log(`${kind}: ${after.held} connections, ${per(after.rss - before.rss)} RSS and ${per(after.heap - before.heap)} heap per connection`);
    client.kill();
    server.kill();
  }
}
