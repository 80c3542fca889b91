/**
 * `npx tsx bench/scenarios/fanoutBare.ts [--subscribers 10000] [--updates 5]`: the floor under the fan-out scenario
 * on this machine. A bare server (node:http and `ws`, this process) speaks just enough graphql-transport-ws for the
 * scenario's subscriber processes (fanoutClient.ts): it acknowledges, remembers each subscription id, and once a
 * second writes one ~300-byte `next` message to every socket, built and written as the app writes them
 * (src/subscriptions/frame.ts: one buffer, one write per socket), with no database, no GraphQL and no checks.
 * What it measures is what any Node server pays to hand N messages to N sockets plus what the clients pay to read
 * them, on the same cores: the app's p99 minus this one's is the app's own cost.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import type { Duplex } from 'node:stream';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';
import { textFrame } from '../../src/subscriptions/frame.js';
import type { FanoutClientReport } from './fanoutClient.js';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '10000' },
    updates: { type: 'string', default: '5' },
    'per-process': { type: 'string', default: '2500' },
  },
});
const n = Number(values.subscribers);
const updates = Number(values.updates);
const perProcess = Number(values['per-process']);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const subscribed: { tcp: Duplex; head: Buffer }[] = [];
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
const http = createServer().on('upgrade', (req, tcp, rest) =>
  wss.handleUpgrade(req, tcp, rest, (ws) => {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString());
      if (message.type === 'connection_init') ws.send('{"type":"connection_ack"}');
      if (message.type === 'subscribe') subscribed.push({ tcp, head: Buffer.from(`{"id":${JSON.stringify(message.id)},"type":"next","payload":`) });
    });
    ws.on('error', () => {});
  }),
);
http.listen(0, '127.0.0.1', 4096);
await once(http, 'listening');
const wsUrl = `ws://127.0.0.1:${(http.address() as { port: number }).port}/graphql`;

const children = [];
for (let left = n; left > 0; left -= perProcess) {
  const spec = { wsUrl, token: 'none', count: Math.min(perProcess, left), query: 'subscription { myOrderUpdates { id } }' };
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/scenarios/fanoutClient.ts', JSON.stringify(spec)], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push({ child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() });
}
await Promise.all(children.map((c) => c.lines.next()));
while (subscribed.length < n) await sleep(50);
await sleep(1000);

const load = loadavg()[0]!;
const loops: number[] = [];
for (let u = 1; u <= updates; u++) {
  await sleep(1000);
  const at = new Date();
  const tail = Buffer.from(
    `{"data":{"myOrderUpdates":{"id":"ord_1","status":"SHIPPED","updatedAt":"${at.toISOString()}","events":[` +
      `{"id":"evt_${u}","status":"SHIPPED","at":"${at.toISOString()}"}]}}}}`.padStart(300, ' '),
  );
  const started = now();
  for (const { tcp, head } of subscribed) tcp.write(textFrame(head, tail));
  loops.push(now() - started);
}
await sleep(2000);

const latencies: number[] = [];
for (const { child, lines } of children) {
  child.stdin!.write('report\n');
  const report = JSON.parse((await lines.next()).value as string) as FanoutClientReport;
  for (const [id, times] of Object.entries(report.arrivals)) for (const t of times) latencies.push(t - report.commits[id]!);
  child.stdin!.write('close\n');
}
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
console.log(
  `bare publish to ${n} sockets (${children.length} client processes, load average ${load.toFixed(2)}): ` +
    `${latencies.length}/${n * updates} delivered, p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, ` +
    `max ${latencies.at(-1)!.toFixed(1)} ms; the write loop took ${loops.map((l) => l.toFixed(0)).join(', ')} ms ` +
    `(${((loops.reduce((a, b) => a + b, 0) / loops.length / n) * 1000).toFixed(1)} µs per socket)`,
);
await Promise.all(children.map(({ child }) => once(child, 'exit')));
process.exit(0);
