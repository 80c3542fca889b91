/**
 * `npm run bench [-- --products 10000 --duration 6 --rounds 3 --http-rounds 6 --warmup 3 --connections 10 --subscribers 1000,5000,10000]`:
 * seeds a catalog once, then for each server setup starts the server in production mode in a child process (over
 * its own copy of the catalog), drives it with autocannon from another process, and measures every scenario side by
 * side with the ceiling (a bare node:http server replaying the same response bytes). Writes bench/report.md,
 * bench/report.json and bench/report.svg.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startCeiling } from './ceiling.js';
import { measure, once, type HttpRequest, type LoadOptions } from './measure.js';
import { chart, markdown, type HttpRow, type RunReport, type SqlProbe } from './report.js';
import { flashSale } from './scenarios/flashSale.js';
import { fanout, type FanoutResult } from './scenarios/fanout.js';
import { startBareFanout } from './scenarios/fanoutBare.js';
import { CATEGORY_QUERY, httpScenarios, SETUPS, type Setup } from './scenarios/http.js';
import { measureInProcess, type InProcessResult } from './scenarios/inProcess.js';
import { measureSqlFloor, type SqlFloorResult } from './scenarios/sqlFloor.js';
import { combineScreens, measureScreens, type ScreenResult } from './scenarios/screens.js';
import { measureCluster, type ClusterResult } from './cluster.js';
import { postgresCatalog } from './postgres.js';
import { checkSameData, startPeer } from './peers/index.js';
import { cleanUp, ROOT, seedCatalog, startServer, type RunningServer } from './server.js';

const { values } = parseArgs({
  options: {
    products: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    /**
     * Rounds of the HTTP read scenarios (each as long as one of `--rounds`'): the rows the targets compare move by
     * ±30% from one 2 s round to the next, so they get more of them than the other parts.
     */
    'http-rounds': { type: 'string', default: '6' },
    users: { type: 'string', default: '8' },
    subscribers: { type: 'string', default: '1000,5000,10000' },
    updates: { type: 'string', default: '5' },
    rate: { type: 'string', default: '1' },
    stock: { type: 'string', default: '2000' },
    buyers: { type: 'string', default: '16' },
    out: { type: 'string', default: 'bench' },
    /** Comma-separated parts to run: http, inprocess, screens, flash, fanout, postgres, cluster (all by default). */
    only: { type: 'string', default: 'http,inprocess,screens,flash,fanout,postgres,cluster' },
    /** Comma-separated HTTP scenario keys (`product`, `product-cached`, `apq-get`, …): only those (all by default). */
    scenarios: { type: 'string' },
  },
});
const parts = new Set(values.only!.split(','));
const num = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number (got "${values[name]}")`);
  return n;
};
const opts: LoadOptions = { connections: num('connections'), rounds: num('rounds'), duration: num('duration'), warmup: num('warmup') };
// Rounds as long as the other parts' (measure() rounds each to whole seconds).
const httpOpts: LoadOptions = { ...opts, rounds: num('http-rounds'), duration: (opts.duration / opts.rounds) * num('http-rounds') };
const subscribers = values.subscribers!.split(',').map(Number).filter((n) => n > 0);
const log = (s: string) => process.stderr.write(`${s}\n`);
const started = Date.now();

// The servers run compiled, as `npm start` runs them (the project and the peers alike).
execFileSync(process.execPath, ['tools/build.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
log(`seeding ${num('products')} products…`);
const catalog = await seedCatalog(num('products'));
const ceiling = await startCeiling();
const floor = await startCeiling('fastify');
const http: HttpRow[] = [];
const sql: SqlProbe[] = [];
let screens: ScreenResult[] = [];
let inProcess: InProcessResult[] = [];
let sqlFloor: SqlFloorResult[] = [];
let flash;
let flashPostgres;
let postgresSeedSeconds: number | undefined;
let cluster: ClusterResult | undefined;
const fanouts: FanoutResult[] = [];
const loadBefore = loadavg()[0]!;

try {
  // Every HTTP setup runs at once (idle while another is measured), so the setups a scenario compares take turns.
  const servers = new Map<Setup, RunningServer>();
  try {
    if (parts.has('http') || parts.has('screens')) {
      for (const setup of Object.keys(SETUPS) as Setup[]) {
        const { label, env, peer, tsx } = SETUPS[setup];
        const entry = tsx ? ['--import', 'tsx', join('src', 'main.ts')] : undefined;
        servers.set(setup, peer ? await startPeer(catalog, peer.kind, peer.cache) : await startServer(catalog, label, env, [], entry));
      }
    }
    const picked = values.scenarios?.split(',');
    const scenarios = httpScenarios(catalog.productId, catalog.categoryId).filter((s) => !picked || picked.includes(s.key));
    for (const s of parts.has('http') ? scenarios : []) {
      log(`${s.rows.map((row) => row.name).join(' | ')}…`);
      const on = s.rows.map((row) => servers.get(row.setup)!);
      for (const server of on) await s.prepare?.(server.url);
      // A peer is timed only once it answers with the project's data.
      for (const [i, row] of s.rows.entries()) if (SETUPS[row.setup].peer) await checkSameData(on[0]!, on[i]!, s.request);
      const cached = s.rows.some((row) => row.setup === 'cached');
      const results = await measure(s.key, s.request, on, ceiling, httpOpts, cached ? floor : undefined);
      for (const [i, m] of results.entries()) {
        const row = s.rows[i]!;
        http.push({ key: row.key, name: row.name, setup: SETUPS[row.setup].label, ...m });
        log(`  ${row.key}: ${m.server.rps.toFixed(0)} req/s, ceiling ${m.ceiling.rps.toFixed(0)} (${(m.ratio * 100).toFixed(1)}%), ${m.sqlPerRequest.toFixed(2)} SQL/request`);
        if (m.floor && i === 0) log(`  fastify floor ${m.floor.rps.toFixed(0)} req/s (${((m.floor.rps / m.ceiling.rps) * 100).toFixed(1)}% of the ceiling)`);
      }
    }
    if (parts.has('http')) for (const setup of ['optimized', 'baseline'] as const) sql.push(await listSizeProbe(servers.get(setup)!, setup));
    if (parts.has('screens')) {
      log('product page screens per second, REST waterfall and GraphQL…');
      const spec = { base: servers.get('optimized')!.url, productId: catalog.productId, users: num('users'), seconds: opts.duration, warmupSeconds: opts.warmup };
      const ways = ['rest', 'post'] as const;
      for (const way of ways) await measureScreens({ ...spec, way, seconds: opts.warmup, warmupSeconds: 0 });
      const rounds: ScreenResult[][] = [[], []];
      for (let i = 0; i < opts.rounds; i++) {
        for (const [j, way] of ways.entries()) {
          rounds[j]!.push(await measureScreens({ ...spec, way, seconds: Math.max(1, Math.round(opts.duration / opts.rounds)), warmupSeconds: 0 }));
        }
      }
      screens = rounds.map(combineScreens);
      for (const s of screens) log(`  ${s.way}: ${s.screensPerSecond.toFixed(0)} screens/s`);
    }
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
  }

  if (parts.has('inprocess')) {
    log('executors and loaders in one process, without HTTP…');
    const file = join(catalog.dir, 'in-process.db');
    copyFileSync(catalog.file, file);
    inProcess = await measureInProcess({ file, productId: catalog.productId, categoryId: catalog.categoryId, rounds: 10 });
    for (const r of inProcess) log(`  ${r.page}: jit ${r.jit.toFixed(2)} ms, graphql-js ${r.graphqlJs.toFixed(2)} ms, off ${r.off.toFixed(2)} ms`);
  }

  if (parts.has('http')) {
    log('the SQL floor: the fastest peer\'s statements for one request, back to back, in one process…');
    const file = join(catalog.dir, 'sql-floor.db');
    copyFileSync(catalog.file, file);
    sqlFloor = await measureSqlFloor({ file, productId: catalog.productId, categoryId: catalog.categoryId, ms: 3000 });
    for (const f of sqlFloor) log(`  ${f.page}: ${f.statements} statements, ${f.us.toFixed(0)} µs (${f.inOneTransactionUs.toFixed(0)} µs in one transaction)`);
  }

  if (parts.has('flash')) {
    log(`flash sale: ${num('stock')} units, ${num('buyers')} buyers…`);
    const server = await startServer(catalog, 'production defaults', {});
    try {
      flash = await flashSale(server, ceiling, catalog.sellerProductIds[0]!, { ...opts, connections: 32, stock: num('stock'), buyers: num('buyers') });
      log(`  ${flash.ordersPerSecond.toFixed(0)} orders/s, sold ${flash.unitsSold} of ${flash.stock}, oversold ${flash.oversold}`);
    } finally {
      await server.stop();
    }
  }

  // The same catalog on PostgreSQL: the uncached product page and the flash sale, beside SQLite's rows above.
  if (parts.has('postgres') || parts.has('cluster')) {
    log(`PostgreSQL: seeding the same ${num('products')} products…`);
    const pgCatalog = await postgresCatalog(num('products'));
    postgresSeedSeconds = pgCatalog.seedSeconds;
    try {
      if (parts.has('postgres')) {
        const setup = SETUPS.optimized;
        const product = httpScenarios(catalog.productId, catalog.categoryId).find((s) => s.key === 'product')!;
        const server = await startServer(catalog, `${setup.label}, PostgreSQL`, setup.env, [], undefined, await pgCatalog.copy());
        try {
          log('Product page, uncached, PostgreSQL…');
          const [m] = await measure('product-postgres', product.request, [server], ceiling, opts);
          http.push({ key: 'product-postgres', name: 'Product page, uncached, PostgreSQL', setup: server.label, ...m! });
          log(`  product-postgres: ${m!.server.rps.toFixed(0)} req/s, ceiling ${m!.ceiling.rps.toFixed(0)} (${(m!.ratio * 100).toFixed(1)}%), ${m!.sqlPerRequest.toFixed(2)} SQL/request`);
        } finally {
          await server.stop();
        }
        if (parts.has('flash')) {
          log(`flash sale on PostgreSQL: ${num('stock')} units, ${num('buyers')} buyers…`);
          const sale = await startServer(catalog, 'production defaults, PostgreSQL', {}, [], undefined, await pgCatalog.copy());
          try {
            flashPostgres = await flashSale(sale, ceiling, catalog.sellerProductIds[0]!, { ...opts, connections: 32, stock: num('stock'), buyers: num('buyers') });
            log(`  ${flashPostgres.ordersPerSecond.toFixed(0)} orders/s, sold ${flashPostgres.unitsSold} of ${flashPostgres.stock}, oversold ${flashPostgres.oversold}`);
          } finally {
            await sale.stop();
          }
        }
      }
      // Many instances over PostgreSQL and Redis: the cost of sharing (bench/cluster.ts).
      if (parts.has('cluster')) {
        // With the fan-out part too: the largest subscriber count again, spread over three instances.
        const spread = parts.has('fanout') && subscribers.length ? { subscribers: Math.max(...subscribers), updates: num('updates'), rate: num('rate') } : undefined;
        cluster = await measureCluster(catalog, pgCatalog, ceiling, { ...opts, stock: num('stock'), buyers: num('buyers'), fanout: spread }, log);
        http.push(...cluster.rows);
      }
    } finally {
      await pgCatalog.stop();
    }
  }

  // A fresh server for each size, so memory freed by the previous size cannot hide the next one's growth.
  for (const n of parts.has('fanout') ? subscribers : []) {
    log(`fan-out to ${n} subscribers…`);
    // Every subscriber is the one demo seller from one address: the per-IP, per-user and total WebSocket caps are
    // raised to fit the run (the defaults are WS_MAX_CONNECTIONS_PER_IP=100, WS_MAX_SUBSCRIPTIONS_PER_USER=500).
    const cap = String(n + 100);
    const server = await startServer(catalog, 'production defaults', {
      WS_MAX_CONNECTIONS: cap,
      WS_MAX_CONNECTIONS_PER_IP: cap,
      WS_MAX_SUBSCRIPTIONS_PER_USER: cap,
    });
    // The bare node:http + ws floor beside it (bench/scenarios/fanoutBare.ts), taking turns with the app.
    const floor = await startBareFanout(1);
    try {
      const r = await fanout(server, catalog.sellerProductIds[1]!, n, num('updates'), num('rate'), { floor });
      fanouts.push(r);
      log(`  p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (from commit ${r.fromCommit.p99.toFixed(1)} ms), ${(r.bytesPerConnection / 1024).toFixed(1)} KB/connection, ${r.delivered}/${r.expected} delivered`);
      if (r.floor) log(`  floor p50 ${r.floor.p50.toFixed(1)} ms, p99 ${r.floor.p99.toFixed(1)} ms, ${r.floor.delivered}/${r.floor.expected} delivered; app/floor p99 ${(r.fromCommit.p99 / r.floor.p99).toFixed(2)}×`);
    } finally {
      await Promise.all([server.stop(), floor.stop()]);
    }
  }
} finally {
  await Promise.all([ceiling.stop(), floor.stop()]);
  cleanUp(catalog);
}

const cpu = cpus();
const report: RunReport = {
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  date: new Date().toISOString(),
  machine: {
    cpu: `${cpu.length} × ${cpu[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: loadBefore,
    loadAverageAtEnd: loadavg()[0]!,
  },
  catalog: { products: catalog.products, seedSeconds: catalog.seedSeconds, postgresSeedSeconds },
  load: { ...opts, screenUsers: num('users'), http: { rounds: httpOpts.rounds, duration: httpOpts.duration } },
  http,
  sql,
  screens,
  inProcess,
  sqlFloor,
  flashSale: flash,
  flashSalePostgres: flashPostgres,
  cluster: cluster && { flashSale: cluster.flashSale, redisOverheadUs: cluster.redisOverheadUs, fanout: cluster.fanout },
  fanout: fanouts,
  totalSeconds: (Date.now() - started) / 1000,
};
mkdirSync(values.out!, { recursive: true }); // `--out` may name a folder not made yet
writeFileSync(join(values.out!, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(values.out!, 'report.md'), markdown(report));
writeFileSync(join(values.out!, 'report.svg'), chart(report));
log(`\nreport written to ${join(values.out!, 'report.md')} (${report.totalSeconds.toFixed(0)} s)`);

/** SQL statements for one category listing of 5 and of 20 products: equal when nothing is N+1. */
async function listSizeProbe(server: RunningServer, setup: Setup): Promise<SqlProbe> {
  const statements = async (first: number) => {
    const request: HttpRequest = {
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: CATEGORY_QUERY.replace('first: 20', `first: ${first}`), variables: { categoryId: catalog.categoryId } }),
    };
    await once(server.url, request);
    const before = await server.metric('sql_statements_total');
    await once(server.url, request);
    return (await server.metric('sql_statements_total')) - before;
  };
  return { setup: SETUPS[setup].label, first5: await statements(5), first20: await statements(20) };
}
