/** The run's results as JSON (the types), markdown (tables and targets) and an SVG bar chart drawn by hand. */
import { startCommand } from '../tools/startCommand.js';
import type { LoadOptions, Measured } from './measure.js';
import type { LoadResult } from './load.js';
import type { FanoutResult } from './scenarios/fanout.js';
import type { FlashSaleResult } from './scenarios/flashSale.js';
import type { InProcessResult } from './scenarios/inProcess.js';
import type { SqlFloorResult } from './scenarios/sqlFloor.js';
import type { ScreenResult } from './scenarios/screens.js';

export interface HttpRow extends Measured {
  key: string;
  name: string;
  setup: string;
}

/** SQL statements of one category listing at two list sizes. */
export interface SqlProbe {
  setup: string;
  first5: number;
  first20: number;
}

export interface RunReport {
  command: string;
  date: string;
  machine: { cpu: string; memoryGiB: number; node: string; loadAverageAtStart: number; loadAverageAtEnd: number };
  catalog: { products: number; seedSeconds: number; postgresSeedSeconds?: number };
  /** `http`: the HTTP read scenarios' rounds and seconds (runs before it used the others'). */
  load: LoadOptions & { screenUsers: number; http?: { rounds: number; duration: number } };
  http: HttpRow[];
  sql: SqlProbe[];
  screens: ScreenResult[];
  inProcess: InProcessResult[];
  /** The fastest peer's statements for one request, replayed alone (bench/scenarios/sqlFloor.ts); runs before it lack it. */
  sqlFloor?: SqlFloorResult[];
  flashSale?: FlashSaleResult;
  /** The same sale on PostgreSQL (`--only …,postgres`). */
  flashSalePostgres?: FlashSaleResult;
  /** Many instances (`--only …,cluster`): the flash sale through three, and what Redis adds per request. */
  cluster?: { flashSale: FlashSaleResult; redisOverheadUs: { hit: number; miss: number }; fanout?: FanoutResult };
  fanout: FanoutResult[];
  totalSeconds: number;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

export interface Target {
  target: string;
  measured: string;
  met: boolean;
  /** How far: the measured value over the target (or under it, for limits). */
  margin: string;
}

const row = (r: RunReport, key: string) => r.http.find((h) => h.key === key);

/** The peers' rows of one scenario (`<key>-apollo`, `<key>-mercurius`). */
const PEER_SUFFIXES = { apollo: 'Apollo Server 5', mercurius: 'Mercurius' } as const;
const peersOf = (r: RunReport, key: string) =>
  Object.keys(PEER_SUFFIXES)
    .map((suffix) => row(r, `${key}-${suffix}`))
    .filter((h): h is HttpRow => h !== undefined);
const peerName = (h: HttpRow) => PEER_SUFFIXES[h.key.slice(h.key.lastIndexOf('-') + 1) as keyof typeof PEER_SUFFIXES];

/** Server against peers: each scenario's req/s, × this project's, and the share of the ceiling. */
export function peerTable(r: RunReport): string[] {
  const scenarios = [
    ['product', 'product page, uncached'],
    ['category', 'category listing, uncached'],
    ['product-cached', 'product page, cached (POST)'],
    ['apq-get', 'product page, cached (APQ GET)'],
  ] as const;
  const present = scenarios.filter(([key]) => row(r, key) && peersOf(r, key).length);
  if (!present.length) return [];
  const servers = [
    { name: '**this project**', suffix: '' },
    { name: 'Apollo Server 5 + DataLoader (graphql-js; cached: its response-cache plugin)', suffix: '-apollo' },
    { name: 'Mercurius + graphql-jit + DataLoader (cached: mercurius-cache)', suffix: '-mercurius' },
  ];
  const cell = (key: string, suffix: string) => {
    const own = row(r, key)!;
    const h = row(r, key + suffix);
    if (!h) return '';
    const x = h.server.rps / own.server.rps;
    const cpu = h.cpuPerRequestUs === undefined ? '' : `; ${int(h.cpuPerRequestUs)} µs CPU a request`;
    return `${int(h.server.rps)} req/s (${suffix ? `${x.toFixed(2)}× the project, ` : ''}${pct(h.ratio)} of the ceiling${cpu})`;
  };
  return [
    '',
    '## Against the peers',
    '',
    'The same requests on two peers written as small standalone apps over their own copy of the same catalog, each',
    'with DataLoader per request and the SQL the project uses at its best (statements prepared once, one statement',
    'per list with a per-parent `LIMIT`): bench/peers. Each was checked to answer with the same `data` as this project',
    'before it was timed; all run at once and take turns with the ceiling in the same rounds. A peer\'s "N× the',
    "project\" is its requests per second as a multiple of this project's (as in issue 14's table). \"µs CPU a request\"",
    "is the server process's CPU time (all its threads, from /proc) over the timed rounds per request: on two cores",
    'shared with the load generator, requests per second follow whatever else the machine does; this does not.',
    '',
    `| server | ${present.map(([, name]) => name).join(' | ')} |`,
    `| --- | ${present.map(() => '---:').join(' | ')} |`,
    ...servers.map((s) => `| ${s.name} | ${present.map(([key]) => cell(key, s.suffix)).join(' | ')} |`),
    `| node:http ceiling (same bytes) | ${present
      .map(([key]) => {
        const own = row(r, key)!;
        return `${int(own.ceiling.rps)} req/s${own.ceilingCpuPerRequestUs === undefined ? '' : ` (${int(own.ceilingCpuPerRequestUs)} µs CPU a request)`}`;
      })
      .join(' | ')} |`,
  ];
}

/**
 * What a server must spend on an uncached page whatever it is (SQLite's time for the best statements, and the HTTP
 * the ceiling spends), against what the fastest peer and this project spent, CPU a request in this run: how much of
 * the 1.25× target's budget is left for a GraphQL server's own work.
 */
function floorBudgets(r: RunReport) {
  return (['product', 'category'] as const).flatMap((page) => {
    const floor = r.sqlFloor?.find((f) => f.page === page);
    const own = row(r, page);
    const fastest = peersOf(r, page).sort((a, b) => b.server.rps - a.server.rps)[0];
    if (!floor || !own?.cpuPerRequestUs || !fastest?.cpuPerRequestUs || own.ceilingCpuPerRequestUs === undefined) return [];
    const base = floor.us + own.ceilingCpuPerRequestUs;
    const budget = fastest.cpuPerRequestUs / 1.25;
    return [{ page, floor, http: own.ceilingCpuPerRequestUs, base, peer: fastest, peerCpu: fastest.cpuPerRequestUs, ownCpu: own.cpuPerRequestUs, budget }];
  });
}

function floorTable(r: RunReport): string[] {
  const rows = floorBudgets(r);
  if (!rows.length) return [];
  const us = (n: number) => `${int(n)} µs`;
  return [
    '',
    '## The floor under the uncached pages',
    '',
    'What any server spends on one uncached request before its own work: SQLite running the fastest peer\'s very',
    'statements for it, back to back in a process of their own (the same texts and parameters, recorded from the',
    'peer; each statement its own transaction, as every server here runs them, and in brackets all in one read',
    'transaction), plus HTTP as the ceiling spends it (its CPU a request in this run). CPU a request of the servers',
    'is every thread of their process over the timed rounds. 1.25× the fastest peer\'s requests per second needs about',
    '1/1.25 of its CPU a request on the same cores: the budget. What is left of it above the floor is what a server may',
    'spend on everything else (GraphQL, DataLoader, cost and rate limit, cache headers, logs and metrics). Statements',
    'under load cost more than alone (caches shared with everything else), so the floor is a lower bound.',
    '',
    '| page | SQL floor | HTTP (ceiling) | floor | fastest peer: CPU a request, own work above the floor | budget for 1.25× | left for a server\'s own work | this project: CPU a request, own work above the floor |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (x) =>
        `| ${x.page === 'product' ? 'Product page' : 'Category listing'} | ${us(x.floor.us)} (${us(x.floor.inOneTransactionUs)}), ${x.floor.statements} statements | ${us(x.http)} | ${us(x.base)} | ${peerName(x.peer)}: ${us(x.peerCpu)}, ${us(x.peerCpu - x.base)} | ${us(x.budget)} | ${us(x.budget - x.base)} (${pct((x.budget - x.base) / (x.peerCpu - x.base))} of the peer's) | ${us(x.ownCpu)}, ${us(x.ownCpu - x.base)} |`,
    ),
  ];
}

/**
 * The ratio of two sides round by round (rounds taken side by side): its median and range, so a reader sees how
 * far one run's noise moves it. Empty for runs that did not keep their rounds.
 */
function byRound(a: LoadResult, b: LoadResult, as: '×' | '%'): string {
  if (!a.roundsRps || !b.roundsRps || a.roundsRps.length !== b.roundsRps.length || a.roundsRps.length < 2) return '';
  const ratios = a.roundsRps.map((rps, i) => rps / b.roundsRps![i]!).sort((x, y) => x - y);
  const median = ratios.length % 2 ? ratios[(ratios.length - 1) / 2]! : (ratios[ratios.length / 2 - 1]! + ratios[ratios.length / 2]!) / 2;
  const show = (x: number) => (as === '×' ? `${x.toFixed(2)}×` : pct(x));
  return `; round by round: median ${show(median)}, ${show(ratios[0]!)} to ${show(ratios.at(-1)!)} over ${ratios.length} rounds`;
}

export function targets(r: RunReport): Target[] {
  const row = (key: string) => r.http.find((h) => h.key === key);
  const out: Target[] = [];
  for (const page of ['product', 'category'] as const) {
    const own = row(page);
    const fastest = peersOf(r, page).sort((a, b) => b.server.rps - a.server.rps)[0];
    if (!own || !fastest) continue;
    const x = own.server.rps / fastest.server.rps;
    const cpu =
      own.cpuPerRequestUs !== undefined && fastest.cpuPerRequestUs !== undefined
        ? `; CPU a request ${int(own.cpuPerRequestUs)} vs ${int(fastest.cpuPerRequestUs)} µs (${(own.cpuPerRequestUs / fastest.cpuPerRequestUs).toFixed(2)}×)`
        : '';
    out.push({
      target: `uncached ${page === 'product' ? 'product page' : 'category listing'} ≥ 1.25× the fastest peer`,
      measured: `${x.toFixed(2)}× ${peerName(fastest)} (${int(own.server.rps)} vs ${int(fastest.server.rps)} req/s${cpu}${byRound(own.server, fastest.server, '×')})`,
      met: x >= 1.25,
      margin: `${(x / 1.25).toFixed(2)}× the target`,
    });
  }
  for (const [key, what] of [
    ['product-cached', 'cached product page (POST)'],
    ['apq-get', 'cached product page (APQ GET, hash only)'],
  ] as const) {
    const own = row(key);
    if (!own) continue;
    const best = peersOf(r, key).sort((a, b) => b.server.rps - a.server.rps)[0];
    const ahead = !best || own.server.rps > best.server.rps;
    const cpu =
      own.cpuPerRequestUs !== undefined && own.ceilingCpuPerRequestUs !== undefined
        ? `; CPU a hit ${int(own.cpuPerRequestUs)} µs, the ceiling's ${int(own.ceilingCpuPerRequestUs)} µs (${pct(own.ceilingCpuPerRequestUs / own.cpuPerRequestUs)})`
        : '';
    out.push({
      target: `${what} ≥ 50% of the ceiling and ahead of every peer's cache`,
      measured: `${pct(own.ratio)} of the ceiling${byRound(own.server, own.ceiling, '%')}${best ? `; ${(own.server.rps / best.server.rps).toFixed(2)}× ${peerName(best)} (${pct(best.ratio)})` : ''}${cpu}`,
      met: own.ratio >= 0.5 && ahead,
      margin: `${(own.ratio / 0.5).toFixed(2)}× the target`,
    });
  }
  const rest = r.screens.find((s) => s.way === 'rest');
  const post = r.screens.find((s) => s.way === 'post');
  if (rest && post) {
    const x = post.screensPerSecond / rest.screensPerSecond;
    out.push({
      target: 'uncached product page: more screens/s than the REST waterfall',
      measured: `${int(post.screensPerSecond)} vs ${int(rest.screensPerSecond)} screens/s`,
      met: x > 1,
      margin: `${x.toFixed(2)}×`,
    });
  }
  const optimized = r.sql.find((s) => s.setup.includes('OPTIMIZATIONS=on'));
  if (optimized) {
    const http = optimized.first5 === optimized.first20;
    out.push({
      target: 'SQL statements per request independent of list sizes (HTTP)',
      measured: `category listing: ${optimized.first5} statements at 5 products, ${optimized.first20} at 20; ${r.http
        .filter((h) => !h.key.endsWith('baseline'))
        .map((h) => `${h.key} ${h.sqlPerRequest.toFixed(1)}`)
        .join(', ')} per request${r.flashSale ? `; placeOrder ${r.flashSale.sqlPerRequest.toFixed(1)}` : ''}`,
      met: http,
      margin: http ? 'equal at both sizes' : `${optimized.first20 - optimized.first5} more at 20`,
    });
  }
  if (r.fanout.length) {
    const [small, large] = [r.fanout[0]!, r.fanout.at(-1)!];
    const perSubscriber = large === small ? 0 : (large.sqlPerUpdate - small.sqlPerUpdate) / (large.subscribers - small.subscribers);
    const flat = new Set(r.fanout.map((f) => Math.round(f.sqlPerUpdate))).size <= 1;
    out.push({
      target: 'SQL statements per update independent of subscribers (fan-out)',
      measured: `${r.fanout.map((f) => `${int(f.sqlPerUpdate)} at ${int(f.subscribers)}`).join(', ')} subscribers`,
      met: flat,
      margin: flat ? 'equal' : `${perSubscriber.toFixed(2)} more per extra subscriber`,
    });
  }
  const biggest = r.fanout.at(-1);
  if (biggest) {
    out.push({
      target: '10,000 subscribers: p99 delivery < 100 ms',
      measured:
        `${int(biggest.subscribers)} subscribers: p99 ${ms(biggest.p99)} (p50 ${ms(biggest.p50)}) from the mutation, ` +
        (biggest.fromCommit ? `${ms(biggest.fromCommit.p99)} from commit, ` : '') +
        (biggest.serverMs ? `server's part ${ms(biggest.serverMs.mean)} mean / ${ms(biggest.serverMs.max)} max; ` : '') +
        `${int(biggest.delivered)}/${int(biggest.expected)} delivered` +
        (biggest.disorder !== undefined ? `, ${biggest.disorder} out of order or twice, ${biggest.failures} failures` : '') +
        floorNote(biggest),
      met: biggest.subscribers >= 10_000 && biggest.p99 < 100 && biggest.delivered === biggest.expected && !biggest.disorder && !biggest.failures,
      margin: `${(biggest.p99 / 100).toFixed(2)}× the limit`,
    });
    out.push({
      target: '10,000 subscribers: < 20 KB per connection',
      measured: `${kb(biggest.bytesPerConnection)} RSS per connection`,
      met: biggest.subscribers >= 10_000 && biggest.bytesPerConnection > 0 && biggest.bytesPerConnection < 20 * 1024,
      margin: `${(biggest.bytesPerConnection / (20 * 1024)).toFixed(2)}× the limit`,
    });
  }
  const spread = r.cluster?.fanout;
  if (spread) {
    out.push({
      target: `${int(spread.subscribers)} subscribers over ${spread.instances} instances: p99 delivery < 150 ms`,
      measured:
        `p99 ${ms(spread.p99)} (p50 ${ms(spread.p50)}) from the mutation, ${ms(spread.fromCommit.p99)} from commit; ` +
        `${int(spread.delivered)}/${int(spread.expected)} delivered, ${spread.disorder} out of order or twice, ${spread.failures} failures` +
        floorNote(spread),
      met: spread.subscribers >= 10_000 && spread.p99 < 150 && spread.delivered === spread.expected && !spread.disorder && !spread.failures,
      margin: `${(spread.p99 / 150).toFixed(2)}× the limit`,
    });
  }
  if (r.cluster) {
    const f = r.cluster.flashSale;
    out.push({
      target: 'flash sale through three instances (PostgreSQL + Redis): zero oversold',
      measured: `${int(f.ordersPerSecond)} orders/s; sold ${f.unitsSold} of ${f.stock}, final stock ${f.finalStock}, oversold ${f.oversold}`,
      met: f.oversold === 0 && f.unitsSold === f.stock,
      margin: f.oversold === 0 ? 'none oversold' : `${f.oversold} oversold`,
    });
  }
  for (const [f, engine] of [[r.flashSale, ''], [r.flashSalePostgres, ' (PostgreSQL)']] as const) {
    if (!f) continue;
    out.push({
      target: `flash sale${engine}: zero oversold, ≥ 1,000 orders/s`,
      measured: `${int(f.ordersPerSecond)} orders/s; sold ${f.unitsSold} of ${f.stock}, final stock ${f.finalStock}, oversold ${f.oversold}`,
      met: f.oversold === 0 && f.unitsSold === f.stock && f.ordersPerSecond >= 1000,
      margin: `${(f.ordersPerSecond / 1000).toFixed(2)}× the rate`,
    });
  }
  return out;
}

export function markdown(r: RunReport): string {
  const lines: string[] = [
    '# Benchmarks',
    '',
    `\`${r.command}\`, ${r.date.slice(0, 16).replace('T', ' ')} UTC, ${r.totalSeconds.toFixed(0)} s. Machine: ${r.machine.cpu}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}`,
    `(one-minute load average ${r.machine.loadAverageAtStart.toFixed(2)} at the start, ${r.machine.loadAverageAtEnd.toFixed(2)} at the end: the machine is shared). Catalog: ${int(r.catalog.products)} products`,
    `(seeded in ${r.catalog.seedSeconds.toFixed(1)} s${r.catalog.postgresSeedSeconds !== undefined ? `; ${r.catalog.postgresSeedSeconds.toFixed(1)} s into PostgreSQL` : ''}), each server over its own copy. Server: \`${startCommand()}\` (compiled, as \`npm start\` runs it), NODE_ENV=production,`,
    'LOG_LEVEL=warn, rate-limit buckets of 10⁹ points (the load generator is one client). Load: autocannon in a child process,',
    `${r.load.connections} connections, no compression asked for; each side warmed up ${r.load.warmup} s, then ${(r.load.http ?? r.load).duration} s measured in ${(r.load.http ?? r.load).rounds}`,
    'rounds, server and ceiling taking turns, every other round in reverse order (requests per second over all rounds; latency percentiles are the median',
    'round\'s). **Server, load generator and ceiling share the same 2 cores, and other work ran on the machine**, so',
    'absolute numbers are low and noisy; only the ratios, measured side by side in this run, are the result. The',
    'ceiling is a bare `node:http` server answering the same path with the exact response bytes the real server sent.',
    '',
    '![requests per second as a share of the ceiling](report.svg)',
    '',
    '## HTTP scenarios',
    '',
    '| scenario | server | req/s | p50 | p99 | ceiling req/s | of ceiling | fastify floor req/s (of ceiling) | SQL / request | response |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.http.map(
      (h) =>
        `| ${h.name} | ${h.setup} | ${int(h.server.rps)} | ${ms(h.server.p50)} | ${ms(h.server.p99)} | ${int(h.ceiling.rps)} | **${pct(h.ratio)}** | ${h.floor ? `${int(h.floor.rps)} (${pct(h.floor.rps / h.ceiling.rps)})` : ''} | ${h.sqlPerRequest.toFixed(2)} | ${int(h.bytes)} B${h.xCache ? `, ${h.xCache}` : ''} |`,
    ),
  ];
  for (const [f, engine] of [[r.flashSale, ''], [r.flashSalePostgres, ', PostgreSQL'], [r.cluster?.flashSale, ', 3 instances, PostgreSQL + Redis']] as const) {
    if (!f) continue;
    lines.push(
      `| \`placeOrder\`, flash sale (${f.buyers} buyers, 32 connections) | production defaults${engine} | ${int(f.server.rps)} | ${ms(f.server.p50)} | ${ms(f.server.p99)} | ${int(f.ceiling.rps)} | **${pct(f.ratio)}** |  | ${f.sqlPerRequest.toFixed(2)} | ${int(f.bytes)} B |`,
    );
  }
  lines.push(
    '',
    'The fastify floor is a fastify instance with the app\'s CORS and compression plugins answering the same bytes from',
    'one route: what any fastify handler costs before it does anything, measured for the cached scenarios next to the',
    'ceiling in each round (after it, or before it in the rounds run in reverse).',
  );
  lines.push(...peerTable(r));
  lines.push(...floorTable(r));
  lines.push('', '## Targets', '', '| target | measured | met | how far |', '| --- | --- | :---: | --- |');
  for (const t of targets(r)) lines.push(`| ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} | ${t.margin} |`);

  const steps = (['product', 'category'] as const)
    .map((page) => ({ page, off: row(r, `${page}-baseline`), stock: row(r, `${page}-stock`), on: row(r, page) }))
    .filter((x) => x.off && x.stock && x.on);
  if (steps.length) {
    lines.push(
      '',
      '## What each optimization buys',
      '',
      'The same uncached request on three servers running at once and taking turns under load: nothing on; DataLoader',
      'batching with graphql-js\'s executor (`EXECUTOR=graphql-js`); DataLoader with graphql-jit (the default).',
      'Requests per second, and × the first.',
      '',
      '| page | optimizations off | + DataLoader | + graphql-jit | SQL / request, off → on |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...steps.map(
        ({ page, off, stock, on }) =>
          `| ${page === 'product' ? 'Product page' : 'Category listing'} | ${int(off!.server.rps)} | ${int(stock!.server.rps)} (${(stock!.server.rps / off!.server.rps).toFixed(2)}×) | ${int(on!.server.rps)} (${(on!.server.rps / off!.server.rps).toFixed(2)}×) | ${off!.sqlPerRequest.toFixed(1)} → ${on!.sqlPerRequest.toFixed(1)} |`,
      ),
    );
  }
  const threads = (['product', 'category'] as const)
    .map((page) => ({ page, on: row(r, page), off: row(r, `${page}-event-loop`), peer: row(r, `${page}-mercurius`) }))
    .filter((x) => x.on && x.off);
  const cpu = (h: HttpRow) => (h.cpuPerRequestUs === undefined ? '' : `, ${int(h.cpuPerRequestUs)} µs CPU`);
  const pageName = (page: 'product' | 'category') => (page === 'product' ? 'Product page' : 'Category listing');
  if (threads.length) {
    lines.push(
      '',
      '## Execution threads (SQLite)',
      '',
      'The same uncached request on the default server, whose repeated queries execute on worker threads with',
      'read-only connections of their own (`EXECUTION_THREADS`, one a core: two here), and on one that executes every',
      'query on the event loop (`EXECUTION_THREADS=0`), side by side in the same rounds. The threads let the server use',
      'the second core; each request pays for its trip (one message each way, the data as UTF-8 bytes) and the cores',
      'are shared with the load generator, so the CPU a request grows while the requests a second do too. Mercurius is',
      'the same run\'s row.',
      '',
      '| page | execution threads (default) | every query on the event loop | × the event loop | threads × Mercurius | event loop × Mercurius |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...threads.map(
        ({ page, on, off, peer }) =>
          `| ${pageName(page)} | ${int(on!.server.rps)} req/s${cpu(on!)} | ${int(off!.server.rps)} req/s${cpu(off!)} | ${(on!.server.rps / off!.server.rps).toFixed(2)}× | ${peer ? `${(on!.server.rps / peer.server.rps).toFixed(2)}×` : ''} | ${peer ? `${(off!.server.rps / peer.server.rps).toFixed(2)}×` : ''} |`,
      ),
    );
  }
  const young = (['product', 'category'] as const)
    .map((page) => ({ page, base: row(r, page), big: row(r, `${page}-young-64`), peer: row(r, `${page}-mercurius`) }))
    .filter((x) => x.base && x.big);
  if (young.length) {
    lines.push(
      '',
      '## A bigger young generation (an operator\'s option)',
      '',
      'The same uncached request on the default server and on one started with `NODE_OPTIONS=--max-semi-space-size=64`',
      '(V8\'s young generation four times its default), side by side in the same rounds. Not the default: it holds more',
      'memory under load (the fan-out\'s RSS per connection grows with it). Mercurius is the same run\'s row.',
      '',
      '| page | default | 64 MB semi-space | × default | × Mercurius |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...young.map(
        ({ page, base, big, peer }) =>
          `| ${pageName(page)} | ${int(base!.server.rps)} req/s${cpu(base!)} | ${int(big!.server.rps)} req/s${cpu(big!)} | ${(big!.server.rps / base!.server.rps).toFixed(2)}× | ${peer ? `${(big!.server.rps / peer.server.rps).toFixed(2)}×` : ''} |`,
      ),
    );
  }
  const compiled = row(r, 'product');
  const tsx = row(r, 'product-tsx');
  if (compiled && tsx) {
    lines.push(
      '',
      `Compiled JavaScript (\`npm start\` now builds to dist/ first) against the same sources under tsx, same rounds: product page`,
      `${int(compiled.server.rps)} against ${int(tsx.server.rps)} req/s (${(compiled.server.rps / tsx.server.rps).toFixed(2)}×).`,
    );
  }
  if (r.inProcess.length) {
    lines.push(
      '',
      'The same three configurations in one process without HTTP (fastify `inject`, one request at a time, the three',
      'apps taking turns for 10 rounds): milliseconds per request, and how many times faster than optimizations off.',
      '',
      '| page | optimizations off | + DataLoader | + graphql-jit | graphql-jit against graphql-js |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...r.inProcess.map(
        (x) =>
          `| ${x.page === 'product' ? 'Product page' : 'Category listing'} | ${x.off.toFixed(2)} ms | ${x.graphqlJs.toFixed(2)} ms (${(x.off / x.graphqlJs).toFixed(2)}×) | ${x.jit.toFixed(2)} ms (${(x.off / x.jit).toFixed(2)}×) | ${((x.graphqlJs / x.jit - 1) * 100).toFixed(0)}% faster |`,
      ),
    );
  }
  if (r.screens.length) {
    lines.push(
      '',
      '## Product page screens per second: REST waterfall vs GraphQL',
      '',
      `${r.load.screenUsers} clients at once, each loading the product page over and over (${r.load.duration} s in ${r.load.rounds} rounds, the two ways taking turns), as`,
      '`npm run compare` loads it (node:http keep-alive, six connections per client): REST follows `_links`, GraphQL',
      'sends one POST. Same server (optimizations on, response cache off). The clients run in a process of their own.',
      '',
      '| way | requests / screen | screens/s | p50 / screen | p99 / screen |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...r.screens.map((s) => `| ${s.way === 'rest' ? 'REST waterfall' : 'GraphQL POST'} | ${s.requestsPerScreen.toFixed(1)} | ${int(s.screensPerSecond)} | ${ms(s.p50)} | ${ms(s.p99)} |`),
    );
  }
  if (r.cluster) {
    const rps = (key: string) => row(r, key)?.server.rps ?? NaN;
    const { hit, miss } = r.cluster.redisOverheadUs;
    lines.push(
      '',
      '## Many instances: the cost of sharing',
      '',
      'The product page through 1, 2 and 3 instances over one PostgreSQL and one Redis, beside one instance with the',
      'in-process stores, all at once and taking turns (rows `cluster-*` above). On 2 cores more instances cannot add',
      'throughput: they share the cores with each other, Redis, PostgreSQL and the load generator. What the rows show is',
      'the price of sharing state: a hit is two Redis round trips (the entry, then the bucket: two Lua scripts) instead',
      'of two Map lookups, and a miss also marks, stores and refunds in Redis. Redis, PostgreSQL and the instances all',
      'run on the same 2 cores, so Redis\'s own CPU is inside these figures.',
      '',
      '| request | in-process stores | Redis, 1 instance | Redis, 2 instances | Redis, 3 instances | Redis adds per request (1 instance) |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...(['hit', 'miss'] as const).map(
        (kind) =>
          `| product page, cache ${kind} | ${int(rps(`cluster-${kind}-memory`))} | ${int(rps(`cluster-${kind}-redis-1`))} | ${int(rps(`cluster-${kind}-redis-2`))} | ${int(rps(`cluster-${kind}-redis-3`))} | ${int(kind === 'hit' ? hit : miss)} µs (${((1 - rps(`cluster-${kind}-redis-1`) / rps(`cluster-${kind}-memory`)) * 100).toFixed(0)}% fewer req/s) |`,
      ),
    );
  }
  if (r.sql.length) {
    lines.push(
      '',
      '## SQL statements against list size',
      '',
      'One category listing (products with seller and three reviews with authors) at `first: 5` and `first: 20`:',
      '',
      '| server | 5 products | 20 products |',
      '| --- | ---: | ---: |',
      ...r.sql.map((s) => `| ${s.setup} | ${s.first5} | ${s.first20} |`),
    );
  }
  const sales = ([[r.flashSale, 'SQLite'], [r.flashSalePostgres, 'PostgreSQL']] as const).filter(([f]) => f);
  if (sales.length) {
    const f = sales[0]![0]!;
    lines.push(
      '',
      '## Flash sale',
      '',
      `One product with ${int(f.stock)} units; ${f.buyers} signed-up buyers take turns over 32 connections, one unit per order, each`,
      `request with its own idempotency key; ${int(f.sent)} orders sent (a quarter more than the units). Orders per second run from`,
      'the start to the last order placed; the rest were refused `OUT_OF_STOCK`. Checked afterwards in the database.',
      '',
      '| engine | units | orders placed | orders/s | units sold | final stock | oversold | p50 | p99 |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...sales.map(
        ([s, engine]) =>
          `| ${engine} | ${int(s!.stock)} | ${int(s!.placed)} | ${int(s!.ordersPerSecond)} | ${int(s!.unitsSold)} | ${s!.finalStock} | ${s!.oversold} | ${ms(s!.server.p50)} | ${ms(s!.server.p99)} |`,
      ),
    );
  }
  if (r.fanout.length) {
    const first = r.fanout[0]!;
    lines.push(
      '',
      '## Subscription fan-out',
      '',
      'N WebSocket connections (a bare RFC 6455 + graphql-transport-ws client, `bench/scenarios/fanoutClient.ts`, in',
      'separate processes of up to 2,500 connections) all subscribe to `myOrderUpdates` as the demo seller: a',
      "seller's dashboard open on N screens, so each change of one of the seller's orders reaches all N. Then",
      `${first.updates} order status changes (\`updateOrderStatus\` as admin), ${first.rate} a second. Latency from the mutation: from just`,
      "before it is sent to the subscriber's process having the message (the mutation's own request and commit",
      "included); from commit: from the event's `at` (written in the mutation's transaction, just before commit).",
      "Server: the server's own part per change (mean / max), from the change feed handing it on to the write to its",
      'last socket (`graphql_subscription_fanout_*`). The client processes share the cores with the server, so the',
      "client-side latencies include the load generator's own work. Order: messages for an event at or below one the",
      'subscriber already had (duplicates or out of order), and failures (errors, unexpected messages, sockets closed).',
      'Memory: server RSS after all N subscribed minus before they connected, over N.',
      '',
      'Floor: a bare node:http + `ws` server (`bench/scenarios/fanoutBare.ts`; over three instances, three of them)',
      'with as many subscribers again from client processes of their own, no database, no GraphQL, no checks. It',
      "takes turns with the app: a period after each change, it writes the bytes the app's subscribers got for that",
      'change to each of its sockets, one buffer and one write per socket as the app does; latency from the start of',
      "its write loop. App / floor is the app's p99 from commit over the floor's p99: what the app adds at this load.",
      '',
      '| subscribers | connect + subscribe | delivered | p50 | p99 | max | from commit p50 / p99 | server mean / max | floor p50 / p99 (write loop) | app / floor p99 | order, failures | RSS / connection | heap / connection | SQL / update |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...[...r.fanout, ...(r.cluster?.fanout ? [r.cluster.fanout] : [])].map(
        (x) =>
          `| ${int(x.subscribers)}${(x.instances ?? 1) > 1 ? ` over ${x.instances} instances (PostgreSQL + Redis)` : ''} | ${x.connectSeconds.toFixed(1)} s | ${int(x.delivered)}/${int(x.expected)} | ${ms(x.p50)} | ${ms(x.p99)} | ${ms(x.max)} | ` +
          `${x.fromCommit ? `${ms(x.fromCommit.p50)} / ${ms(x.fromCommit.p99)}` : '–'} | ${x.serverMs ? `${ms(x.serverMs.mean)} / ${ms(x.serverMs.max)}` : '–'} | ` +
          `${x.floor ? `${ms(x.floor.p50)} / ${ms(x.floor.p99)} (${ms(x.floor.loopMs.mean)})` : '–'} | ${x.floor && x.fromCommit ? `**${(x.fromCommit.p99 / x.floor.p99).toFixed(2)}×**` : '–'} | ` +
          `${x.disorder ?? '–'}, ${x.failures ?? '–'} | ${kb(x.bytesPerConnection)} | ${kb(x.heapBytesPerConnection)} | ${x.sqlPerUpdate.toFixed(1)} |`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The fan-out's bare floor in a target row: its p99 and the app's p99 from commit over it. */
function floorNote(f: FanoutResult): string {
  if (!f.floor) return '';
  return `; bare node:http + ws floor p99 ${ms(f.floor.p99)} (${int(f.floor.delivered)}/${int(f.floor.expected)}), app from commit / floor ${(f.fromCommit.p99 / f.floor.p99).toFixed(2)}×`;
}

/** Horizontal bars: each scenario's requests per second as a share of its ceiling, with the 50% target marked. */
export function chart(r: RunReport): string {
  const rows = [...r.http.map((h) => ({ label: h.name, ratio: h.ratio }))];
  if (r.flashSale) rows.push({ label: 'placeOrder, flash sale', ratio: r.flashSale.ratio });
  if (r.flashSalePostgres) rows.push({ label: 'placeOrder, flash sale, PostgreSQL', ratio: r.flashSalePostgres.ratio });
  const left = 400;
  const width = 380;
  const rowHeight = 26;
  const top = 40;
  const height = top + rows.length * rowHeight + 30;
  const x = (ratio: number) => left + Math.min(1, ratio) * width;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const bars = rows
    .map((row, i) => {
      const y = top + i * rowHeight;
      return [
        `<text x="${left - 8}" y="${y + 16}" text-anchor="end">${esc(row.label)}</text>`,
        `<rect x="${left}" y="${y + 4}" width="${(x(row.ratio) - left).toFixed(1)}" height="${rowHeight - 8}" fill="${row.ratio >= 0.5 ? '#2f855a' : '#3182ce'}"/>`,
        `<text x="${(x(row.ratio) + 6).toFixed(1)}" y="${y + 16}">${(row.ratio * 100).toFixed(1)}%</text>`,
      ].join('');
    })
    .join('\n  ');
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((t) => {
      const style = t === 0.5 ? 'stroke="#c53030" stroke-width="2" stroke-dasharray="4 3"' : 'stroke="#ccc"';
      return `<line x1="${x(t)}" y1="${top - 4}" x2="${x(t)}" y2="${height - 26}" ${style}/><text x="${x(t)}" y="${height - 10}" text-anchor="middle">${t * 100}%</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 70}" height="${height}" font-family="sans-serif" font-size="12">
  <text x="10" y="20" font-size="14" font-weight="bold">Requests per second as a share of the ceiling (bare node:http, same bytes, same run)</text>
  ${ticks}
  ${bars}
</svg>
`;
}
