/**
 * The floor under the fan-out scenario on this machine: a bare server (node:http and `ws`, in a child process like
 * the app) that speaks just enough graphql-transport-ws for the scenario's subscriber processes (fanoutClient.ts):
 * it acknowledges, remembers each subscription id, and when told writes one `next` message (the bytes it is given)
 * to every socket, built and written as the app writes them (src/subscriptions/frame.ts: one buffer, one write per
 * socket), with no database, no GraphQL and no checks. What it measures is what any Node server pays to hand N
 * messages to N sockets plus what the clients pay to read them, on the same cores: the app's p99 over this one's
 * is the app's own share.
 *
 * `npm run bench` (fanout.ts) runs it beside the app, the app's changes and the floor's messages taking turns with
 * the same frame size. `npx tsx bench/scenarios/fanoutBare.ts [--subscribers 10000] [--updates 5]` runs it alone.
 * As a child (`--serve`) it prints `{"port":…}`, then answers stdin lines: `count` → `{"subscribed":n}`,
 * `publish <base64 payload>` → `{"loopMs":…}` (the write loop), `close` → exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import type { Duplex } from 'node:stream';
import { createInterface, type Interface } from 'node:readline';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { textFrame } from '../../src/subscriptions/frame.js';
import { ROOT } from '../server.js';

/** The placeholder fanout.ts puts where a message's times go. */
const STAMP = '0000-00-00T00:00:00.000Z';

/** One or more bare fan-out servers (one per app instance it stands beside). */
export interface BareFanout {
  urls: string[];
  /** Subscriptions the servers hold, in all. */
  subscribed(): Promise<number>;
  /** Writes `payload` behind each subscription's message head to every socket of every server at once; each server's write loop, ms. */
  publish(payload: Buffer): Promise<number[]>;
  stop(): Promise<void>;
}

interface Child {
  process: ChildProcess;
  next(): Promise<any>;
  send(line: string): void;
}

function lineChild(process_: ChildProcess, lines: Interface): Child {
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => (waiting.length ? waiting.shift()!(line) : queue.push(line)));
  return {
    process: process_,
    send: (line) => void process_.stdin!.write(`${line}\n`),
    next: () =>
      new Promise((resolve, reject) => {
        if (queue.length) return resolve(JSON.parse(queue.shift()!));
        if (process_.exitCode !== null) return reject(new Error('the bare fan-out server exited'));
        waiting.push((line) => resolve(JSON.parse(line)));
      }),
  };
}

/** Starts `instances` bare servers, each in a process of its own. */
export async function startBareFanout(instances = 1): Promise<BareFanout> {
  const children: Child[] = [];
  for (let i = 0; i < instances; i++) {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve'], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(lineChild(child, createInterface({ input: child.stdout! })));
  }
  const ports = await Promise.all(children.map((c) => c.next()));
  const ask = async (line: string) => {
    for (const c of children) c.send(line);
    return Promise.all(children.map((c) => c.next()));
  };
  return {
    urls: ports.map(({ port }) => `http://127.0.0.1:${port}`),
    subscribed: async () => (await ask('count')).reduce((sum, r) => sum + r.subscribed, 0),
    publish: async (payload) => (await ask(`publish ${payload.toString('base64')}`)).map((r) => r.loopMs),
    stop: async () => {
      await Promise.all(
        children.map((c) => {
          if (c.process.exitCode !== null) return;
          c.send('close');
          return once(c.process, 'exit');
        }),
      );
    },
  };
}

/** The child: one bare server, driven line by line on stdin. */
async function serve(): Promise<void> {
  const subscribed: { tcp: Duplex; head: Buffer }[] = [];
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  const http = createServer().on('upgrade', (req, tcp, rest) =>
    wss.handleUpgrade(req, tcp, rest, (ws) => {
      ws.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString());
        if (message.type === 'connection_init') ws.send('{"type":"connection_ack"}');
        if (message.type === 'subscribe') {
          subscribed.push({ tcp, head: Buffer.from(`{"id":${JSON.stringify(message.id)},"type":"next","payload":`) });
        }
      });
      ws.on('error', () => {});
    }),
  );
  http.listen(0, '127.0.0.1', 4096);
  await once(http, 'listening');
  const print = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  print({ port: (http.address() as { port: number }).port });
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'count') print({ subscribed: subscribed.length });
    else if (line.startsWith('publish ')) {
      // The message's times (fanout.ts leaves a placeholder of the same length) are the write loop's start.
      const text = Buffer.from(line.slice(8), 'base64').toString().replaceAll(STAMP, new Date().toISOString());
      const tail = Buffer.from(`${text}}`);
      const started = performance.now();
      for (const { tcp, head } of subscribed) tcp.write(textFrame(head, tail));
      print({ loopMs: performance.now() - started });
    } else if (line === 'close') break;
  }
  process.exit(0);
}

/** Alone: N subscribers, then `updates` messages a second apart, and the latency from each write loop's start. */
async function alone(): Promise<void> {
  const { fanoutFloorAlone } = await import('./fanout.js');
  const { values } = parseArgs({
    options: {
      subscribers: { type: 'string', default: '10000' },
      updates: { type: 'string', default: '5' },
      'per-process': { type: 'string', default: '2500' },
    },
  });
  const load = loadavg()[0]!;
  const n = Number(values.subscribers);
  const r = await fanoutFloorAlone(n, Number(values.updates), Number(values['per-process']));
  console.log(
    `bare publish to ${n} sockets (${r.processes} client processes, load average ${load.toFixed(2)}): ` +
      `${r.delivered}/${r.expected} delivered, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ` +
      `max ${r.max.toFixed(1)} ms; the write loop took ${r.loopMs.map((l) => l.toFixed(0)).join(', ')} ms ` +
      `(${((r.loopMs.reduce((a, b) => a + b, 0) / r.loopMs.length / n) * 1000).toFixed(1)} µs per socket)`,
  );
  process.exit(0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Not awaited at the top level: alone() imports fanout.ts, which imports this module, which must finish first.
  void (process.argv.includes('--serve') ? serve() : alone());
}
