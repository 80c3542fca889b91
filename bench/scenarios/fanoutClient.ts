/**
 * Subscribers for the fan-out scenario, in a process of their own: opens `count` WebSocket connections, each with
 * one subscription, and records when each event arrives.
 *
 * The client speaks graphql-transport-ws itself over `ws` (connection_init, subscribe with a UUID id as graphql-ws
 * clients send, then `next` messages) and does as little as it can per message: it takes the time first, then
 * finds the last event's id and time (`events { id … at }`) in the text without parsing the whole message. On a
 * machine whose cores the server shares, every microsecond the load generator spends per message is added to the
 * latencies of the messages queued behind it, so a heavier client (graphql-ws's `createClient`, a JSON.parse per
 * message) would measure itself as much as the server. Any message that is not a `next` for its subscription
 * (an `error`, a `complete`, a close) is counted as a failure.
 *
 * `node --import tsx bench/scenarios/fanoutClient.ts '<FanoutClientSpec as JSON>'`, then line by line on stdio:
 * it prints `{"ready":n}` once every connection is acknowledged and has sent its subscribe; `report` on stdin
 * prints a `FanoutClientReport`; `close` closes every socket and exits.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

export interface FanoutClientSpec {
  wsUrl: string;
  token: string;
  count: number;
  query: string;
  /** Connections opened at once (the server's listen backlog is finite). @default 200 */
  batch?: number;
}

export interface FanoutClientReport {
  /** Event id → arrival times (epoch ms, sub-millisecond precision), one per subscriber that received it. */
  arrivals: Record<string, number[]>;
  /** Event id → its `at` (epoch ms): the time the server wrote it, in its transaction, just before commit. */
  commits: Record<string, number>;
  /** A subscriber receiving an event at or below one it already had: a duplicate or out of order. */
  disorder: number;
  /** Messages other than a `next` for the subscription, and sockets closed by the server. */
  failures: number;
  /** The first few of them. */
  failed: string[];
}

const now = () => performance.timeOrigin + performance.now();

interface Subscriber {
  socket: WebSocket;
  head: string;
  last: number;
}

async function main(spec: FanoutClientSpec) {
  const subscribers: Subscriber[] = [];
  const arrivals = new Map<string, number[]>();
  const commits: Record<string, number> = {};
  const failures: string[] = [];
  let disorder = 0;
  let closing = false;
  const init = JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${spec.token}` } });

  function received(sub: Subscriber, data: Buffer): void {
    const at = now();
    const text = data.toString('latin1');
    if (!text.startsWith(sub.head)) return void failures.push(text.slice(0, 300));
    const i = text.lastIndexOf('"id":"evt_');
    const end = text.indexOf('"', i + 6);
    if (i < 0 || end < 0) return void failures.push(text.slice(0, 300));
    const id = text.slice(i + 6, end);
    let times = arrivals.get(id);
    if (!times) {
      arrivals.set(id, (times = []));
      const t = text.indexOf('"at":"', end);
      if (t >= 0) commits[id] = Date.parse(text.slice(t + 6, text.indexOf('"', t + 6)));
    }
    times.push(at);
    const n = Number(id.slice(4));
    if (n <= sub.last) disorder++;
    sub.last = n;
  }

  function open(): Promise<void> {
    return new Promise<void>((ready, failed) => {
      const socket = new WebSocket(spec.wsUrl, 'graphql-transport-ws', { perMessageDeflate: false, skipUTF8Validation: true });
      const id = randomUUID();
      const sub: Subscriber = { socket, head: `{"id":"${id}","type":"next"`, last: 0 };
      let acked = false;
      socket.on('open', () => socket.send(init));
      socket.on('message', (data: Buffer) => {
        if (acked) return received(sub, data);
        const message = JSON.parse(data.toString());
        if (message.type !== 'connection_ack') return failed(new Error(`expected connection_ack, got ${data}`));
        acked = true;
        socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: spec.query } }));
        subscribers.push(sub);
        ready();
      });
      socket.on('error', (err) => (acked ? failures.push(err.message) : failed(err)));
      socket.on('close', (code) => {
        if (!acked) failed(new Error(`closed with ${code} before connection_ack`));
        else if (!closing) failures.push(`closed by the server: ${code}`);
      });
    });
  }

  const batch = spec.batch ?? 200;
  for (let start = 0; start < spec.count; start += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, spec.count - start) }, open));
  }
  process.stdout.write(`${JSON.stringify({ ready: subscribers.length })}\n`);

  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'report') {
      const report: FanoutClientReport = {
        arrivals: Object.fromEntries(arrivals), commits, disorder, failures: failures.length, failed: failures.slice(0, 5),
      };
      process.stdout.write(`${JSON.stringify(report)}\n`);
    }
    if (line === 'close') {
      closing = true;
      await Promise.all(
        subscribers.map(({ socket }) => new Promise<void>((done) => {
          if (socket.readyState === WebSocket.CLOSED) return done();
          socket.once('close', () => done());
          socket.close(1000);
        })),
      );
      process.exit(0);
    }
  }
}

await main(JSON.parse(process.argv[2]!) as FanoutClientSpec);
