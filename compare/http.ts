/**
 * The compare tool's HTTP client: node:http over keep-alive connections, as a mobile app's HTTP stack would use
 * them. Every response is counted where it crossed the wire: the socket's own byte counters give the bytes sent
 * (request line, headers, body) and received (status line, headers, body, chunk framing) by each request, exactly;
 * the body is counted as received, compressed or not, and decoded only afterwards.
 */
import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

/** What one screen load cost. */
export interface Tally {
  requests: number;
  /** Bytes of request lines, headers and bodies written to the socket. */
  sent: number;
  /** Bytes of status lines, headers and bodies read from the socket. */
  received: number;
  /** Response bodies as received (compressed when the server compressed them). */
  bodies: number;
  /** The longest chain of requests that had to wait for one another. */
  roundTrips: number;
}

export const emptyTally = (): Tally => ({ requests: 0, sent: 0, received: 0, bodies: 0, roundTrips: 0 });

/** A decoded JSON response, and how many round trips deep in its screen's waterfall it was. */
export interface Res<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: T;
  depth: number;
}

export interface ClientOptions {
  base: string;
  /** `gzip` sends `Accept-Encoding: gzip`; `identity` sends none. */
  encoding: 'identity' | 'gzip';
  token?: string;
  /** Keep GET responses with their ETags and revalidate them (`If-None-Match`), as an HTTP cache does. */
  httpCache?: boolean;
}

/**
 * Socket byte counters at the end of the last request each socket carried. Each request is charged the difference,
 * so a screen's totals are exact even if a queued request starts writing on a socket a moment before the previous
 * response's 'end' reaches us (the bytes then move between two requests of the same screen, never out of it).
 */
const seen = new WeakMap<Socket, { written: number; read: number }>();

export class Client {
  readonly tally: Tally = emptyTally();
  /** How often each `X-Cache` value (the response cache's HIT, MISS, BYPASS) was seen. */
  xCache: Record<string, number> = {};
  /** Six connections per host, as browsers allow over HTTP/1.1 (OkHttp allows five): more requests queue. */
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 6 });
  private readonly cache = new Map<string, { etag: string; json: unknown }>();

  constructor(private readonly opts: ClientOptions) {}

  /** Starts a fresh tally (one screen load). */
  reset(): void {
    Object.assign(this.tally, emptyTally());
  }

  close(): void {
    this.agent.destroy();
  }

  /** GET a path; `after` are the responses this request had to wait for (its place in the waterfall). */
  get<T = any>(path: string, after: Res[] = [], headers: Record<string, string> = {}): Promise<Res<T>> {
    return this.send<T>('GET', path, undefined, after, headers);
  }

  post<T = any>(path: string, body: unknown, after: Res[] = [], headers: Record<string, string> = {}): Promise<Res<T>> {
    return this.send<T>('POST', path, JSON.stringify(body), after, { 'content-type': 'application/json', ...headers });
  }

  private send<T>(method: string, path: string, body: string | undefined, after: Res[], extra: Record<string, string>): Promise<Res<T>> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'bazaar-compare/1.0',
      ...(this.opts.encoding === 'gzip' && { 'accept-encoding': 'gzip' }),
      ...(this.opts.token && { authorization: `Bearer ${this.opts.token}` }),
      ...(body !== undefined && { 'content-length': String(Buffer.byteLength(body)) }),
      ...extra,
    };
    const depth = 1 + Math.max(0, ...after.map((r) => r.depth));
    const cached = this.opts.httpCache && method === 'GET' ? this.cache.get(path) : undefined;
    if (cached) headers['if-none-match'] = cached.etag;
    return new Promise((resolve, reject) => {
      const req = request(this.opts.base + path, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          this.count(req.socket!, raw.length, depth);
          const cache = res.headers['x-cache'];
          if (typeof cache === 'string') this.xCache[cache] = (this.xCache[cache] ?? 0) + 1;
          const encoding = res.headers['content-encoding'];
          if (res.statusCode === 304 && cached) {
            resolve({ status: 200, headers: res.headers, json: cached.json as T, depth });
            return;
          }
          const text = (encoding === 'gzip' ? gunzipSync(raw) : encoding === 'br' ? brotliDecompressSync(raw) : raw).toString();
          const json = text ? JSON.parse(text) : null;
          const etag = res.headers.etag;
          if (this.opts.httpCache && method === 'GET' && res.statusCode === 200 && etag) this.cache.set(path, { etag, json });
          resolve({ status: res.statusCode!, headers: res.headers, json, depth });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  private count(socket: Socket, bodyBytes: number, depth: number): void {
    const before = seen.get(socket) ?? { written: 0, read: 0 };
    const now = { written: socket.bytesWritten, read: socket.bytesRead };
    seen.set(socket, now);
    this.tally.requests += 1;
    this.tally.sent += now.written - before.written;
    this.tally.received += now.read - before.read;
    this.tally.bodies += bodyBytes;
    this.tally.roundTrips = Math.max(this.tally.roundTrips, depth);
  }
}

/** Throws unless the response is 2xx, naming what failed. */
export function ok<T>(res: Res<T>, what: string): Res<T> {
  if (res.status < 200 || res.status >= 300) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.json)}`);
  return res;
}
