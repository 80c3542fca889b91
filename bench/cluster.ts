/**
 * `npm run bench -- --only cluster`: the product page through 1, 2 and 3 instances over one PostgreSQL and one Redis,
 * beside one instance with the in-process stores, and the flash sale through three instances.
 *
 * On a 2-core machine more instances cannot mean more throughput (they share the cores with each other, Redis,
 * PostgreSQL and the load generator); what this measures is the price of sharing: a cache hit that is one Redis round
 * trip instead of a Map lookup, a miss that also marks, stores and charges its bucket in Redis, and what N processes
 * cost on the same cores. Each row is measured side by side with the ceiling, like every other row of the report.
 */
import { productPage } from '../compare/screens.js';
import { startRedis } from '../tools/services/redis.js';
import type { Ceiling } from './ceiling.js';
import { measure, type HttpRequest, type LoadOptions } from './measure.js';
import type { PostgresCatalog } from './postgres.js';
import type { HttpRow } from './report.js';
import { fanout, type FanoutResult } from './scenarios/fanout.js';
import { startBareFanout } from './scenarios/fanoutBare.js';
import { flashSale, type FlashSaleResult } from './scenarios/flashSale.js';
import { startServer, type Catalog, type RunningServer } from './server.js';

export interface ClusterResult {
  rows: HttpRow[];
  /** The flash sale through three instances. */
  flashSale: FlashSaleResult;
  /**
   * What Redis adds per request on one instance, in microseconds of wall time at the run's concurrency:
   * 1/rps(Redis) − 1/rps(in-process), for a hit and for a miss.
   */
  redisOverheadUs: { hit: number; miss: number };
  /** Subscribers spread over three instances, changes made on each in turn (when asked for). */
  fanout?: FanoutResult;
}

interface Setup {
  key: string;
  label: string;
  instances: number;
  redis: boolean;
}

const SETUPS: Setup[] = [
  { key: 'memory', label: '1 instance, in-process stores, PostgreSQL', instances: 1, redis: false },
  { key: 'redis-1', label: '1 instance, PostgreSQL + Redis', instances: 1, redis: true },
  { key: 'redis-2', label: '2 instances, PostgreSQL + Redis', instances: 2, redis: true },
  { key: 'redis-3', label: '3 instances, PostgreSQL + Redis', instances: 3, redis: true },
];

/** N instances over one database (and one Redis namespace) as one RunningServer: load spreads over `urls`. */
async function startInstances(catalog: Catalog, label: string, count: number, databaseUrl: string, env: Record<string, string>): Promise<RunningServer> {
  const instances: RunningServer[] = [];
  try {
    for (let i = 0; i < count; i++) instances.push(await startServer(catalog, label, env, [], undefined, databaseUrl));
  } catch (err) {
    await Promise.all(instances.map((s) => s.stop()));
    throw err;
  }
  return {
    url: instances[0]!.url,
    urls: instances.map((s) => s.url),
    label,
    databaseUrl,
    async metric(name, labels) {
      // Counters and gauges add up over the instances; a maximum is the largest of theirs.
      const values = await Promise.all(instances.map((s) => s.metric(name, labels)));
      return name.includes('_max_') ? Math.max(...values) : values.reduce((a, b) => a + b, 0);
    },
    cpuMs() {
      const each = instances.map((s) => s.cpuMs());
      return each.some((ms) => ms === undefined) ? undefined : each.reduce((a, b) => a! + b!, 0);
    },
    stop: async () => void (await Promise.all(instances.map((s) => s.stop()))),
  };
}

export async function measureCluster(
  catalog: Catalog,
  pg: PostgresCatalog,
  ceiling: Ceiling,
  opts: LoadOptions & { stock: number; buyers: number; fanout?: { subscribers: number; updates: number; rate: number } },
  log: (line: string) => void,
): Promise<ClusterResult> {
  const redis = await startRedis({ maxmemory: '512mb' });
  const servers: RunningServer[] = [];
  try {
    for (const setup of SETUPS) {
      const env: Record<string, string> = { RESPONSE_CACHE: 'on', ...(setup.redis && { REDIS_URL: redis.url, REDIS_PREFIX: `bench-${setup.key}:` }) };
      servers.push(await startInstances(catalog, setup.label, setup.instances, await pg.copy(), env));
    }
    const page = productPage(catalog.productId);
    const hit: HttpRequest = {
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: page.query, variables: page.variables }),
    };
    // A variable the operation does not declare changes the cache key and nothing else: every request is a miss
    // (autocannon puts a fresh value in `[<id>]` for each request).
    const miss: HttpRequest = { ...hit, body: JSON.stringify({ query: page.query, variables: { ...page.variables, nonce: '[<id>]' } }) };
    const rows: HttpRow[] = [];
    for (const [kind, request, name] of [
      ['miss', miss, 'Product page, cache miss'],
      ['hit', hit, 'Product page, cache hit'],
    ] as const) {
      log(`${name} through 1, 2 and 3 instances (PostgreSQL + Redis) and 1 with in-process stores…`);
      const results = await measure(`cluster-${kind}`, request, servers, ceiling, opts);
      for (const [i, m] of results.entries()) {
        const setup = SETUPS[i]!;
        rows.push({ key: `cluster-${kind}-${setup.key}`, name: `${name}, ${setup.label}`, setup: setup.label, ...m });
        log(`  ${setup.key}: ${m.server.rps.toFixed(0)} req/s, ceiling ${m.ceiling.rps.toFixed(0)} (${(m.ratio * 100).toFixed(1)}%)`);
      }
    }
    const perRequestUs = (key: string) => 1e6 / rows.find((r) => r.key === key)!.server.rps;
    const redisOverheadUs = {
      hit: perRequestUs('cluster-hit-redis-1') - perRequestUs('cluster-hit-memory'),
      miss: perRequestUs('cluster-miss-redis-1') - perRequestUs('cluster-miss-memory'),
    };
    await Promise.all(servers.splice(0).map((s) => s.stop()));

    log(`flash sale through 3 instances: ${opts.stock} units, ${opts.buyers} buyers…`);
    const sale = await startInstances(catalog, '3 instances, PostgreSQL + Redis', 3, await pg.copy(), {
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'bench-sale:',
    });
    let sold: FlashSaleResult;
    try {
      sold = await flashSale(sale, ceiling, catalog.sellerProductIds[0]!, { ...opts, connections: 32 });
      log(`  ${sold.ordersPerSecond.toFixed(0)} orders/s, sold ${sold.unitsSold} of ${sold.stock}, oversold ${sold.oversold}`);
    } finally {
      await sale.stop();
    }
    const spread = opts.fanout && (await fanoutThroughThree(catalog, pg, redis.url, opts.fanout, log));
    return { rows, flashSale: sold, redisOverheadUs, fanout: spread };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await redis.stop();
  }
}

/** `subscribers` spread evenly over three instances, the changes made on each in turn (bench/scenarios/fanout.ts). */
export async function fanoutThroughThree(
  catalog: Catalog,
  pg: PostgresCatalog,
  redisUrl: string,
  f: { subscribers: number; updates: number; rate: number },
  log: (line: string) => void,
  withFloor = true,
): Promise<FanoutResult> {
  log(`fan-out to ${f.subscribers} subscribers through 3 instances…`);
  const cap = String(f.subscribers + 100);
  const three = await startInstances(catalog, '3 instances, PostgreSQL + Redis', 3, await pg.copy(), {
    REDIS_URL: redisUrl,
    REDIS_PREFIX: 'bench-fanout:',
    WS_MAX_CONNECTIONS: cap,
    WS_MAX_CONNECTIONS_PER_IP: cap,
    WS_MAX_SUBSCRIPTIONS_PER_USER: cap,
  });
  // Its floor: three bare node:http + ws servers (bench/scenarios/fanoutBare.ts), taking turns with the instances.
  const floor = withFloor ? await startBareFanout(3) : undefined;
  try {
    const r = await fanout(three, catalog.sellerProductIds[1]!, f.subscribers, f.updates, f.rate, { floor });
    log(`  p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (from commit ${r.fromCommit.p99.toFixed(1)} ms), ${r.delivered}/${r.expected} delivered`);
    if (r.floor) log(`  floor (3 processes) p99 ${r.floor.p99.toFixed(1)} ms; app/floor p99 ${(r.fromCommit.p99 / r.floor.p99).toFixed(2)}×`);
    return r;
  } finally {
    await Promise.all([three.stop(), floor?.stop()]);
  }
}
