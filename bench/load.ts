/**
 * The load generator, run in its own process so that it never shares an event loop with the server it measures:
 * `node --import tsx bench/load.ts '<LoadSpec as JSON>'` runs autocannon and prints a LoadResult as JSON.
 */
import autocannon from 'autocannon';

export interface LoadSpec {
  /** Several URLs: autocannon spreads the connections over them (the instances of one server). */
  url: string | string[];
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** `[<id>]` in the body becomes a value unique to each request (an idempotency key). */
  body?: string;
  connections: number;
  /** Seconds; or `amount` requests. */
  duration?: number;
  amount?: number;
  /** Access tokens used in turn, one per request: many buyers at once. */
  tokens?: string[];
  /** A response whose body contains this counts as a success (e.g. an order placed). */
  okMarker?: string;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Requests a second in each timed round, in order, when this result combines rounds (bench/measure.ts). */
  roundsRps?: number[];
  /** With `okMarker`: how many responses contained it, and when the last of them arrived (ms after the start). */
  ok?: number;
  lastOkMs?: number;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const started = performance.now();
  let ok = 0;
  let lastOkMs = 0;
  let n = 0;
  const prefix = `${process.pid}-${Date.now().toString(36)}`;
  const custom = spec.tokens || spec.body?.includes('[<id>]') || spec.okMarker;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.duration }),
    timeout: 30,
    method: spec.method ?? 'GET',
    headers: spec.headers,
    body: spec.body,
    requests: custom
      ? [
          {
            setupRequest(req) {
              const i = n++;
              const headers = { ...spec.headers };
              if (spec.tokens) headers.authorization = `Bearer ${spec.tokens[i % spec.tokens.length]}`;
              return { ...req, headers, body: spec.body?.replaceAll('[<id>]', `${prefix}-${i}`) };
            },
            onResponse(_status, body) {
              if (spec.okMarker && body.includes(spec.okMarker)) {
                ok++;
                lastOkMs = performance.now() - started;
              }
            },
          },
        ]
      : undefined,
  });
  const requests = result.requests.total;
  return {
    requests,
    seconds: result.duration,
    rps: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    ...(spec.okMarker && { ok, lastOkMs }),
  };
}

const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec;
process.stdout.write(JSON.stringify(await run(spec)));
