/** The results as a terminal table and as a markdown report. */
import { cpus } from 'node:os';
import { startCommand } from '../tools/startCommand.js';
import type { Tally } from './http.js';
import type { Row, ScreenResult } from './measure.js';

export interface RunInfo {
  command: string;
  products: number;
  iterations: number;
  warmup: number;
  date: Date;
}

const kB = (n: number) => (n < 1000 ? `${n} B` : `${(n / 1000).toFixed(1)} kB`);
const ms = (n: number | undefined) => (n === undefined ? '' : `${n.toFixed(2)} ms`);
const wire = (t: Tally) => `${kB(t.sent)} + ${kB(t.received)}`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;

const HEAD = ['', 'requests', 'round trips', 'bodies, plain', 'bodies, gzip', 'wire ↑+↓, plain', 'wire ↑+↓, gzip', 'p50', 'p95'];

function cells(row: Row): string[] {
  if (row.unavailable || !row.plain || !row.gzip) return [row.approach.label, row.unavailable ?? 'n/a', '', '', '', '', '', '', ''];
  return [
    label(row),
    String(row.gzip.requests),
    String(row.gzip.roundTrips),
    kB(row.plain.bodies),
    kB(row.gzip.bodies),
    wire(row.plain),
    wire(row.gzip),
    ms(row.p50),
    ms(row.p95),
  ];
}

/** The persisted row says what it really got: cache hits, misses, or no response cache at all. */
function label(row: Row): string {
  if (row.approach.key !== 'persisted') return row.approach.label;
  const seen = Object.keys(row.xCache);
  if (seen.length === 0) return 'GraphQL persisted GET (no response cache: needs issue 6)';
  if (seen.length === 1 && seen[0] === 'HIT') return row.approach.label;
  return `GraphQL persisted GET (X-Cache: ${seen.join('/')})`;
}

export function terminalTables(results: ScreenResult[]): string {
  return results
    .map(({ screen, rows }) => {
      const table = [HEAD, ...rows.map(cells)];
      const widths = HEAD.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
      const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
      return [`${screen.name}: ${screen.shows}`, ...table.map(line)].join('\n');
    })
    .join('\n\n');
}

export function markdown(results: ScreenResult[], info: RunInfo): string {
  const cpu = cpus();
  const out: string[] = [
    '# REST vs GraphQL, measured',
    '',
    `Produced by \`${info.command}\` on ${info.date.toISOString().slice(0, 10)}: ${info.products.toLocaleString('en')} seeded products, ` +
      `${info.iterations} timed loads of each screen each way after ${info.warmup} warm-up loads; Node ${process.version}, ` +
      `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, server and client on the same machine (loopback).`,
    '',
  ];
  for (const { screen, rows } of results) {
    out.push(`## ${screen.name}`, '', `Shows ${screen.shows}.`, '');
    out.push(`| ${HEAD.map((h) => h || 'way').join(' | ')} |`, `| ${HEAD.map((_, i) => (i ? '---:' : '---')).join(' | ')} |`);
    for (const row of rows) out.push(`| ${cells(row).join(' | ')} |`);
    out.push('');
  }
  out.push('## REST against one GraphQL POST', '', '| screen | requests | round trips | wire ↑+↓, gzip | p50 |', '| --- | ---: | ---: | ---: | ---: |');
  for (const { screen, rows } of results) {
    const rest = rows.find((r) => r.approach.key === 'rest')!;
    const post = rows.find((r) => r.approach.key === 'post')!;
    if (!rest.gzip || !post.gzip) continue;
    const total = (t: Tally) => t.sent + t.received;
    out.push(
      `| ${screen.name} | ${rest.gzip.requests} vs 1 | ${rest.gzip.roundTrips} vs 1 | ` +
        `${ratio(total(rest.gzip), total(post.gzip))} the bytes | ${ratio(rest.p50!, post.p50!)} the time |`,
    );
  }
  out.push('', ...METHOD, ...notes(results));
  return out.join('\n') + '\n';
}

const METHOD = [
  '## How it was measured',
  '',
  '- **Screens.** Each is loaded the way a client would: REST by following `_links` from the first resource, starting ' +
    'every request as soon as what it needs has arrived (the product and its reviews together, then the seller and ' +
    'each distinct review author at once); GraphQL as one query selecting what the screen shows. Before timing, the ' +
    'tool checks that every way produced the same screen (same titles, prices, names, ratings, statuses).',
  '- **REST, HTTP cache warm.** The same waterfall from a client that kept each response with its `ETag` and ' +
    'revalidates with `If-None-Match` (what a browser or OkHttp cache does with `Cache-Control: no-cache`): every ' +
    'request comes back 304 without a body. It saves bytes, not requests or round trips; the server still builds ' +
    'each response to compare tags.',
  '- **Client.** node:http over keep-alive connections, at most six per host (a browser over HTTP/1.1; OkHttp allows ' +
    'five), signed in (`Authorization: Bearer` on every request, as an app sends it), `Accept: application/json`.',
  '- **Requests / round trips.** Requests made, and the longest chain of requests that had to wait for one another: ' +
    'on a phone network each round trip costs one network latency (often 50–300 ms), which loopback does not show.',
  '- **Bodies.** Response bodies as received: plain from a client that sends no `Accept-Encoding`, gzip from one that ' +
    'sends `Accept-Encoding: gzip` (the server compresses bodies of 1 KB or more).',
  '- **Wire ↑+↓.** Bytes the socket wrote (request lines, headers, bodies) + bytes it read (status lines, headers, ' +
    'bodies), from the socket\'s own counters per request: headers are measured, not estimated. TCP/IP framing is not ' +
    'counted.',
  '- **p50 / p95.** Wall time of a whole screen load with the gzip client, nearest-rank percentiles. The ways take ' +
    'turns in each iteration, so machine noise falls on all alike.',
  '- **Servers.** `' + startCommand() + '` (compiled, as `npm start` runs it) in production mode (`NODE_ENV=production`, logs off), on a freshly ' +
    'seeded SQLite file. REST and the plain GraphQL ways use a server with `RESPONSE_CACHE=off`, so repeated loads ' +
    'measure the work and not a cache; the persisted way uses a second server on the same file with the cache on. ' +
    'Rate-limit buckets are set too large to run dry.',
  '',
];

function notes(results: ScreenResult[]): string[] {
  const rows = results.flatMap((r) => r.rows.filter((row) => row.approach.key === 'persisted'));
  if (rows.some((r) => r.unavailable)) {
    return ['## Notes', '', '- Persisted queries: the server did not keep them, so that way could not be measured (n/a; needs issue 6).', ''];
  }
  if (!rows.some((r) => r.xCache.HIT)) {
    return [
      '## Notes',
      '',
      '- The persisted GET was answered without a response cache (no `X-Cache: HIT`): it measures automatic persisted ' +
        'queries alone (a short URL, a cacheable GET). A warm response cache needs issue 6.',
      '',
    ];
  }
  const seen = results
    .map(({ screen, rows }) => {
      const row = rows.find((r) => r.approach.key === 'persisted')!;
      return `${screen.name.toLowerCase()} ${Object.entries(row.xCache).map(([k, n]) => `${k} ×${n}`).join(', ')}`;
    })
    .join('; ');
  return [
    '## Notes',
    '',
    `- Persisted GETs and the response cache, \`X-Cache\` on the timed loads: ${seen}. A screen whose query the ` +
      'cache does not store (MISS every time) is measured as a persisted GET that runs the query.',
    '',
  ];
}
