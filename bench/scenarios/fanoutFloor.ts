/**
 * `npx tsx bench/scenarios/fanoutFloor.ts [--connections 10000]`: the memory floor of a WebSocket connection in
 * Node, to compare with what the server holds per subscriber (the fan-out scenario's RSS per connection). Opens N
 * connections from a child process to two bare servers in turn, each in a fresh process of its own: a `node:net`
 * server that only accepts (the TCP socket and its stream state), and a `ws` server (`noServer`, as the app
 * attaches it: the upgrade, `WebSocket`, its `Receiver` and `Sender`). Prints RSS and heap growth per connection.
 */
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, connect } from 'node:net';
import { parseArgs } from 'node:util';
import WebSocket, { WebSocketServer } from 'ws';

const { values } = parseArgs({
  options: { connections: { type: 'string', default: '10000' }, role: { type: 'string' }, kind: { type: 'string' }, port: { type: 'string' } },
});
const n = Number(values.connections);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The server side: listens, reports its port, then answers `measure` with its RSS and heap. */
async function serve(kind: string): Promise<void> {
  const held: unknown[] = [];
  let port: number;
  if (kind === 'net') {
    const server = createNetServer((socket) => void held.push(socket));
    server.listen(0, '127.0.0.1', 511);
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  } else {
    const wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false });
    const http = createHttpServer();
    http.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', () => {});
      ws.on('error', () => {});
      held.push(ws);
    }));
    http.listen(0, '127.0.0.1', 511);
    await once(http, 'listening');
    port = (http.address() as { port: number }).port;
  }
  process.send!({ port });
  process.on('message', (m) => {
    if (m === 'measure') {
      globalThis.gc?.();
      process.send!({ rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, held: held.length });
    }
  });
}

/** The client side: opens N connections of the kind, prints `ready`, waits to be killed. */
async function open(kind: string, port: number): Promise<void> {
  const keep: unknown[] = [];
  for (let i = 0; i < n; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, n - i) }, () => new Promise<void>((done, failed) => {
      if (kind === 'net') {
        const s = connect(port, '127.0.0.1', () => done());
        s.on('error', failed);
        keep.push(s);
      } else {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
        ws.on('open', () => done());
        ws.on('error', failed);
        keep.push(ws);
      }
    })));
  }
  process.stdout.write('ready\n');
  await new Promise(() => {});
}

if (values.role === 'server') await serve(values.kind!);
else if (values.role === 'client') await open(values.kind!, Number(values.port));
else {
  for (const kind of ['net', 'ws']) {
    const server = fork(import.meta.filename, ['--role', 'server', '--kind', kind], { execArgv: ['--import', 'tsx', '--expose-gc'] });
    const ask = async () => {
      server.send('measure');
      const [m] = await once(server, 'message');
      return m as { rss: number; heap: number; held: number };
    };
    const [{ port }] = (await once(server, 'message')) as [{ port: number }];
    await sleep(500);
    const before = await ask();
    const client = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--role', 'client', '--kind', kind, '--port', String(port), '--connections', String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(client.stdout!, 'data');
    await sleep(1000);
    const after = await ask();
    console.log(`${kind}: ${after.held} connections, ${((after.rss - before.rss) / after.held / 1024).toFixed(1)} KB RSS and ${((after.heap - before.heap) / after.held / 1024).toFixed(1)} KB heap per connection`);
    client.kill();
    server.kill();
  }
}
