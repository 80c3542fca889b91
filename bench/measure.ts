/**
 * One HTTP scenario measured against its ceiling: the real server's response is recorded and handed to the
 * ceiling, then the same load (autocannon in a child process, same connections and duration) runs against the
 * server and against the ceiling, each after a warm-up. SQL statements per request come from the server's
 * `sql_statements_total`, read before and after the timed run.
 */
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import type { Ceiling, Recorded } from './ceiling.js';
import type { LoadResult, LoadSpec } from './load.js';
import { ROOT, type RunningServer } from './server.js';

const run = promisify(execFile);

export interface LoadOptions {
  connections: number;
  /** The measured time is split into this many rounds, server and ceiling taking turns. */
  rounds: number;
  /** Seconds of the timed run. */
  duration: number;
  /** Seconds of load before it, not counted. */
  warmup: number;
}

/** Runs autocannon in a child process. */
export async function load(spec: LoadSpec): Promise<LoadResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/load.ts', JSON.stringify(spec)], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as LoadResult;
}

/** A request as the scenario sends it. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path and query string on the server (`/graphql?…`). */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Measured {
  server: LoadResult;
  ceiling: LoadResult;
  /** server rps / ceiling rps. */
  ratio: number;
  /** The framework floor (fastify with the app's plugins, same bytes), when measured, and server rps / its rps. */
  floor?: LoadResult;
  floorRatio?: number;
  sqlPerRequest: number;
  /** The ceiling's CPU time per request over the same rounds, in µs (same source as `cpuPerRequestUs`). */
  ceilingCpuPerRequestUs?: number;
  /**
   * The server process's CPU time (every thread) per request over the timed rounds, in µs: what it costs whatever
   * else the shared cores do (requests per second move with that). Undefined where /proc cannot tell.
   */
  cpuPerRequestUs?: number;
  /** The recorded response's size and `X-Cache`. */
  bytes: number;
  xCache: string | null;
}

/**
 * Sends the request once and returns the response (throws unless it is a 200 without GraphQL errors), over
 * node:http with exactly the request's own headers, as autocannon sends it (no `Accept-Encoding`), so the answer and
 * its headers are the ones the load gets. Its headers are kept for the ceiling to replay, but for those every
 * node:http server writes itself (`Date`, `Connection`, `Keep-Alive`) and the framing (`Content-Length`,
 * `Transfer-Encoding`).
 */
export async function once(base: string, r: HttpRequest): Promise<Recorded & { xCache: string | null }> {
  const { status, headers, body } = await new Promise<{ status: number; headers: [string, string][]; body: string }>((resolve, reject) => {
    const req = request(base + r.path, { method: r.method, headers: r.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const pairs: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
        resolve({ status: res.statusCode!, headers: pairs, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body);
  });
  if (status !== 200 || body.includes('"errors"')) throw new Error(`${r.method} ${r.path}: HTTP ${status} ${body.slice(0, 300)}`);
  const header = (name: string) => headers.find(([k]) => k === name)?.[1] ?? null;
  return {
    body,
    contentType: header('content-type') ?? 'application/json',
    headers: headers.filter(([k]) => !NODE_WRITES.has(k)),
    xCache: header('x-cache'),
  };
}

/** What every node:http server writes itself, and the framing: not replayed as recorded. */
const NODE_WRITES = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/**
 * Measures one request on each of `servers` and on the ceiling (and the fastify floor, when given), side by side:
 * every side warms up, then the measured time is split into rounds in which each side takes its turn, so whatever
 * else the machine does falls on all of them alike. One result per server, each against the same ceiling.
 */
export async function measure(
  key: string,
  r: HttpRequest,
  servers: RunningServer[],
  ceiling: Ceiling,
  opts: LoadOptions,
  floor?: Ceiling,
): Promise<Measured[]> {
  const recorded: Awaited<ReturnType<typeof once>>[] = [];
  for (const server of servers) {
    await once(server.url, r); // the second answer is the one load gets (a cache hit, where there is a cache)
    recorded.push(await once(server.url, r));
  }
  await ceiling.record(`/${key}`, recorded[0]!);
  await floor?.record(`/${key}`, recorded[0]!);
  const spec = (base: string | string[], path: string, duration: number): LoadSpec => ({
    url: Array.isArray(base) ? base.map((b) => b + path) : base + path,
    method: r.method,
    headers: r.headers,
    body: r.body,
    connections: opts.connections,
    duration,
  });
  const sides = [
    ...servers.map((server) => ({ base: server.urls ?? server.url, path: r.path, server, cpuMs: () => server.cpuMs() })),
    { base: ceiling.url as string | string[], path: `/${key}`, server: undefined, cpuMs: () => ceiling.cpuMs() },
    ...(floor ? [{ base: floor.url as string | string[], path: `/${key}`, server: undefined, cpuMs: () => floor.cpuMs() }] : []),
  ];

  for (const side of sides) await load(spec(side.base, side.path, opts.warmup));
  const rounds: LoadResult[][] = sides.map(() => []);
  const statements = sides.map(() => 0);
  const cpu = sides.map(() => 0 as number | undefined);
  const seconds = Math.max(1, Math.round(opts.duration / opts.rounds));
  for (let i = 0; i < opts.rounds; i++) {
    // Every other round runs backwards, so no side always follows the same one (the ceiling, say).
    const order = [...sides.entries()];
    for (const [j, side] of i % 2 ? order.reverse() : order) {
      const mark = side.server ? await side.server.metric('sql_statements_total') : 0;
      const cpuMark = side.cpuMs();
      rounds[j]!.push(await load(spec(side.base, side.path, seconds)));
      const cpuNow = side.cpuMs();
      cpu[j] = cpu[j] === undefined || cpuMark === undefined || cpuNow === undefined ? undefined : cpu[j]! + cpuNow - cpuMark;
      if (side.server) statements[j]! += (await side.server.metric('sql_statements_total')) - mark;
    }
  }
  const results = rounds.map(combine) as LoadResult[];
  const top = results[servers.length]!;
  const ceilingCpu = cpu[servers.length];
  const framework = floor ? results[servers.length + 1] : undefined;
  return servers.map((_, j) => {
    const measured = results[j]!;
    if (measured.non2xx > 0 || measured.errors > 0) {
      throw new Error(`${key}: ${measured.non2xx} non-2xx responses and ${measured.errors} errors under load`);
    }
    return {
      server: measured,
      ceiling: top,
      ratio: measured.rps / top.rps,
      ...(framework && { floor: framework, floorRatio: measured.rps / framework.rps }),
      sqlPerRequest: statements[j]! / measured.requests,
      ...(cpu[j] !== undefined && { cpuPerRequestUs: (cpu[j]! * 1000) / measured.requests }),
      ...(ceilingCpu !== undefined && { ceilingCpuPerRequestUs: (ceilingCpu * 1000) / top.requests }),
      bytes: Buffer.byteLength(recorded[j]!.body),
      xCache: recorded[j]!.xCache,
    };
  });
}

/**
 * Rounds of one side as one result: all requests over all seconds (and each round's rate, for the spread of a ratio
 * round by round); latency percentiles are the rounds' medians.
 */
function combine(results: LoadResult[]): LoadResult {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const requests = results.reduce((n, x) => n + x.requests, 0);
  const seconds = results.reduce((n, x) => n + x.seconds, 0);
  return {
    requests,
    seconds,
    rps: requests / seconds,
    roundsRps: results.map((x) => x.requests / x.seconds),
    p50: median(results.map((x) => x.p50)),
    p99: median(results.map((x) => x.p99)),
    non2xx: results.reduce((n, x) => n + x.non2xx, 0),
    errors: results.reduce((n, x) => n + x.errors, 0),
  };
}
