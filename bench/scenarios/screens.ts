/**
 * Screens per second: the product page loaded as a client must load it, by `users` clients at once for a while,
 * over the REST shim (following `_links`: 8 requests in 2 round trips, six connections per client, the way
 * `npm run compare` loads it) and over GraphQL (one POST). The same server (optimized, response cache off), the
 * same code that `npm run compare` checks produces the same screen both ways.
 *
 * As a process: `node --import tsx bench/scenarios/screens.ts '<ScreenSpec as JSON>'` prints a ScreenResult.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { APPROACHES } from '../../compare/approaches.js';
import { Client } from '../../compare/http.js';
import { productPage } from '../../compare/screens.js';
import { ROOT } from '../server.js';

export interface ScreenSpec {
  base: string;
  productId: string;
  way: 'rest' | 'post';
  users: number;
  seconds: number;
  warmupSeconds: number;
}

export interface ScreenResult {
  way: 'rest' | 'post';
  screens: number;
  screensPerSecond: number;
  /** Milliseconds per screen load. */
  p50: number;
  p99: number;
  /** HTTP requests per screen load. */
  requestsPerScreen: number;
}

/** Runs one way in a child process (never on the orchestrator's event loop). */
export async function measureScreens(spec: ScreenSpec): Promise<ScreenResult> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/scenarios/screens.ts', JSON.stringify(spec)], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as ScreenResult;
}

/** Rounds of one way as one result: all screens over all seconds; latency percentiles are the rounds' medians. */
export function combineScreens(rounds: ScreenResult[]): ScreenResult {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const screens = rounds.reduce((n, r) => n + r.screens, 0);
  const seconds = rounds.reduce((n, r) => n + r.screens / r.screensPerSecond, 0);
  return {
    way: rounds[0]!.way,
    screens,
    screensPerSecond: screens / seconds,
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    requestsPerScreen: rounds.reduce((n, r) => n + r.requestsPerScreen * r.screens, 0) / screens,
  };
}

async function loadScreens(spec: ScreenSpec): Promise<ScreenResult> {
  const screen = productPage(spec.productId);
  const approach = APPROACHES.find((a) => a.key === spec.way)!;
  const clients = Array.from({ length: spec.users }, () => new Client({ base: spec.base, encoding: 'identity' }));
  const times: number[] = [];
  let requests = 0;
  const drive = async (c: Client, until: number, record: boolean) => {
    while (performance.now() < until) {
      c.reset();
      const started = performance.now();
      await approach.load(screen, c);
      if (!record) continue;
      times.push(performance.now() - started);
      requests += c.tally.requests;
    }
  };
  try {
    await Promise.all(clients.map((c) => drive(c, performance.now() + spec.warmupSeconds * 1000, false)));
    const started = performance.now();
    await Promise.all(clients.map((c) => drive(c, started + spec.seconds * 1000, true)));
    const elapsed = (performance.now() - started) / 1000;
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
    return {
      way: spec.way,
      screens: times.length,
      screensPerSecond: times.length / elapsed,
      p50: pct(50),
      p99: pct(99),
      requestsPerScreen: requests / times.length,
    };
  } finally {
    for (const c of clients) c.close();
  }
}

if (import.meta.filename === process.argv[1]) {
  process.stdout.write(JSON.stringify(await loadScreens(JSON.parse(process.argv[2]!) as ScreenSpec)));
}
