/**
 * Subscribers for the fan-out scenario, in a process of their own: opens `count` WebSocket connections, each with
 * one subscription, and records when each event arrives.
 *
 * The load generator shares the server's cores, and every microsecond it spends on a message is added to the
 * latency of the messages queued behind it, so it does as little as a WebSocket client can: it speaks RFC 6455
 * itself on a TCP socket (the upgrade, masked frames out, unmasked frames in, pong for ping) and graphql-transport-ws
 * (connection_init, subscribe with a UUID id as graphql-ws clients send, then `next` messages), takes the time once
 * per TCP read, and finds the last event's id and time (`events { id … at }`) in the text without parsing the
 * message. (A client built on `ws` spends about twice the CPU per message, graphql-ws's `createClient` more.) Any
 * message that is not a `next` for its subscription (an `error`, a `complete`, a close frame, a socket closed by
 * the server) is counted as a failure.
 *
 * `node --import tsx bench/scenarios/fanoutClient.ts '<FanoutClientSpec as JSON>'`, then line by line on stdio:
 * it prints `{"ready":n}` once every connection is acknowledged and has sent its subscribe; `report` on stdin
 * prints a `FanoutClientReport`; `close` closes every socket and exits.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

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

const OP_TEXT = 0x1;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/** One masking key for the process: the server only unmasks (a browser draws one per frame, against proxies). */
const mask = randomBytes(4);

/** A client frame: FIN, the opcode, masked (RFC 6455 §5.3: every client-to-server frame is). */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const header = payload.length < 126 ? 2 : 4;
  const frame = Buffer.allocUnsafe(header + 4 + payload.length);
  frame[0] = 0x80 | opcode;
  if (header === 2) frame[1] = 0x80 | payload.length;
  else {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(payload.length, 2);
  }
  mask.copy(frame, header);
  for (let i = 0; i < payload.length; i++) frame[header + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return frame;
}

interface Subscriber {
  socket: Socket;
  id: string;
  head: string;
  last: number;
  acked: boolean;
  /** Bytes of a frame not yet complete. */
  pending: Buffer | null;
}

async function main(spec: FanoutClientSpec) {
  const url = new URL(spec.wsUrl);
  const subscribers: Subscriber[] = [];
  const arrivals = new Map<string, number[]>();
  const commits: Record<string, number> = {};
  const failures: string[] = [];
  let disorder = 0;
  let closing = false;
  const init = Buffer.from(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${spec.token}` } }));

  function next(sub: Subscriber, text: string, at: number): void {
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

  /** Every whole frame in `data` (and what was left of the previous read); keeps a partial one for the next read. */
  function frames(sub: Subscriber, data: Buffer, at: number, onText: (text: string) => void): void {
    let buf = sub.pending ? Buffer.concat([sub.pending, data]) : data;
    sub.pending = null;
    while (buf.length >= 2) {
      let length = buf[1]! & 0x7f;
      let header = 2;
      if (length === 126) {
        if (buf.length < 4) break;
        length = buf.readUInt16BE(2);
        header = 4;
      } else if (length === 127) {
        if (buf.length < 10) break;
        length = buf.readUInt32BE(2) * 2 ** 32 + buf.readUInt32BE(6);
        header = 10;
      }
      if (buf.length < header + length) break;
      const opcode = buf[0]! & 0x0f;
      const payload = buf.subarray(header, header + length);
      if (opcode === OP_TEXT) onText(payload.toString('latin1'));
      else if (opcode === OP_PING) sub.socket.write(clientFrame(OP_PONG, payload));
      else if (opcode === OP_CLOSE) {
        if (!closing) failures.push(`close frame from the server: ${length >= 2 ? payload.readUInt16BE(0) : ''}`);
      } else failures.push(`unexpected opcode ${opcode} at ${at}`);
      buf = buf.subarray(header + length);
    }
    if (buf.length > 0) sub.pending = Buffer.from(buf);
  }

  function open(): Promise<void> {
    return new Promise<void>((ready, failed) => {
      const socket = connect(Number(url.port), url.hostname);
      socket.setNoDelay(true);
      const id = randomUUID();
      const sub: Subscriber = { socket, id, head: `{"id":"${id}","type":"next"`, last: 0, acked: false, pending: null };
      let upgraded = false;
      let response = '';
      socket.on('connect', () => {
        socket.write(
          `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
            `Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n`,
        );
      });
      socket.on('data', (data: Buffer) => {
        const at = now();
        if (sub.acked) return frames(sub, data, at, (text) => next(sub, text, at));
        if (!upgraded) {
          response += data.toString('latin1');
          const end = response.indexOf('\r\n\r\n');
          if (end < 0) return;
          if (!response.startsWith('HTTP/1.1 101')) return failed(new Error(response.split('\r\n')[0]));
          upgraded = true;
          socket.write(clientFrame(OP_TEXT, init));
          data = Buffer.from(response.slice(end + 4), 'latin1');
        }
        frames(sub, data, at, (text) => {
          if (sub.acked) return next(sub, text, at);
          if (JSON.parse(text).type !== 'connection_ack') return failed(new Error(`expected connection_ack, got ${text}`));
          sub.acked = true;
          socket.write(clientFrame(OP_TEXT, Buffer.from(JSON.stringify({ id, type: 'subscribe', payload: { query: spec.query } }))));
          subscribers.push(sub);
          ready();
        });
      });
      socket.on('error', (err) => (sub.acked ? failures.push(err.message) : failed(err)));
      socket.on('close', () => {
        if (!sub.acked) failed(new Error('closed before connection_ack'));
        else if (!closing) failures.push('socket closed by the server');
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
      const close = Buffer.alloc(2);
      close.writeUInt16BE(1000);
      await Promise.all(
        subscribers.map(({ socket }) => new Promise<void>((done) => {
          if (socket.destroyed) return done();
          socket.once('close', () => done());
          socket.end(clientFrame(OP_CLOSE, close));
        })),
      );
      process.exit(0);
    }
  }
}

await main(JSON.parse(process.argv[2]!) as FanoutClientSpec);
