/**
 * Measures one screen every way, side by side: the bytes of one load with a plain client and one with a gzip
 * client (after a warm-up load), then the latency of many loads, the ways interleaved so that whatever else the
 * machine does falls on all of them alike.
 */
import { isDeepStrictEqual } from 'node:util';
import { APPROACHES, type Approach } from './approaches.js';
import { Client, type Tally } from './http.js';
import type { Screen } from './screens.js';

export interface Row {
  approach: Approach;
  /** Why this way could not be measured; undefined when it was. */
  unavailable?: string;
  plain?: Tally;
  gzip?: Tally;
  p50?: number;
  p95?: number;
  /** `X-Cache` values seen on the timed loads. */
  xCache: Record<string, number>;
}

export interface ScreenResult {
  screen: Screen;
  rows: Row[];
}

export interface MeasureOptions {
  /** Base URL per way (the persisted way goes to the server with the response cache on). */
  baseOf(approach: Approach): string;
  token: string;
  warmup: number;
  iterations: number;
}

export async function measureScreen(screen: Screen, opts: MeasureOptions): Promise<ScreenResult> {
  const clients = new Map<Approach, { plain: Client; gzip: Client }>();
  const client = (a: Approach, encoding: 'identity' | 'gzip') =>
    new Client({ base: opts.baseOf(a), encoding, token: opts.token, httpCache: a.httpCache });
  for (const a of APPROACHES) clients.set(a, { plain: client(a, 'identity'), gzip: client(a, 'gzip') });

  try {
    const rows: Row[] = [];
    let expected: unknown;
    for (const approach of APPROACHES) {
      const { plain, gzip } = clients.get(approach)!;
      const row: Row = { approach, xCache: {} };
      rows.push(row);
      // Warm: connections open, persisted query registered, response cache and HTTP cache filled.
      for (const c of [plain, gzip]) await approach.load(screen, c);
      const views = [];
      for (const c of [plain, gzip]) {
        c.reset();
        views.push(await approach.load(screen, c));
      }
      if (approach.key === 'persisted' && gzip.tally.requests > 1) {
        row.unavailable = 'n/a: the server does not keep persisted queries (needs issue 6)';
        continue;
      }
      expected ??= views[0];
      for (const view of views) {
        if (!isDeepStrictEqual(view, expected)) {
          throw new Error(`${screen.name}: ${approach.label} loaded a different screen:\n${JSON.stringify(view)}\n≠\n${JSON.stringify(expected)}`);
        }
      }
      [row.plain, row.gzip] = [{ ...plain.tally }, { ...gzip.tally }];
    }

    const timed = rows.filter((r) => !r.unavailable);
    const samples = new Map<Row, number[]>(timed.map((r) => [r, []]));
    for (let i = 0; i < opts.warmup + opts.iterations; i++) {
      for (let k = 0; k < timed.length; k++) {
        const row = timed[(i + k) % timed.length]!; // rotate who goes first
        const c = clients.get(row.approach)!.gzip;
        c.xCache = {};
        const started = performance.now();
        await row.approach.load(screen, c);
        const ms = performance.now() - started;
        if (i < opts.warmup) continue;
        samples.get(row)!.push(ms);
        for (const [k2, n] of Object.entries(c.xCache)) row.xCache[k2] = (row.xCache[k2] ?? 0) + n;
      }
    }
    for (const row of timed) {
      const sorted = samples.get(row)!.sort((a, b) => a - b);
      row.p50 = percentile(sorted, 50);
      row.p95 = percentile(sorted, 95);
    }
    return { screen, rows };
  } finally {
    for (const { plain, gzip } of clients.values()) {
      plain.close();
      gzip.close();
    }
  }
}

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
