/**
 * Counts taken as plain numbers on the hot path (src/observability/tally.ts) read on /metrics exactly as
 * prom-client's own counters and histograms would; `extensions.cost` written out by hand for the answers made
 * before Apollo (src/plugins/queryCost/costJson.ts) is the text JSON.stringify makes.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { costJson } from '../src/plugins/queryCost/costJson.js';
import { CounterTally, DurationTally } from '../src/observability/tally.js';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** On a bound, between bounds, below the first, above the last, zero. */
const SECONDS = [0.0005, 0.0007, 0.0001, 3, 0, 0.001, 0.3, 2.5, 2.5000001, 0.07];

function twoRegistries() {
  const stock = new Registry();
  const theirs = new Histogram({ name: 'd_seconds', help: 'h', labelNames: ['operation', 'status'], buckets: BUCKETS, registers: [stock] });
  const tallied = new Registry();
  const ours = new DurationTally<'operation' | 'status'>('d_seconds', 'h', BUCKETS);
  tallied.registerMetric(ours as unknown as Histogram);
  return { stock, theirs, tallied, ours };
}

describe('a tallied histogram reads on /metrics as prom-client’s Histogram', () => {
  it('writes the same text for the same observations, series by series', async () => {
    const { stock, theirs, tallied, ours } = twoRegistries();
    const a = { operation: 'ProductPage', status: 200 };
    const b = { operation: 'GET /api/v1/products/:id', status: 404 };
    SECONDS.forEach((s, i) => {
      const labels = i % 3 === 0 ? b : a;
      theirs.labels(labels).observe(s);
      ours.labels(labels).observe(s);
    });
    const text = await tallied.metrics();
    expect(text).toBe(await stock.metrics());
    expect(text).toContain('d_seconds_bucket{le="0.001",operation="ProductPage",status="200"} 4');
    expect(text).toContain('d_seconds_count{operation="GET /api/v1/products/:id",status="404"} 4');
  });

  it('starts over from zero after a reset, and a kept series still counts', async () => {
    const { stock, theirs, tallied, ours } = twoRegistries();
    const kept = ours.labels({ operation: 'x', status: 200 });
    kept.observe(0.2);
    theirs.labels({ operation: 'x', status: 200 }).observe(0.2);
    tallied.resetMetrics();
    stock.resetMetrics();
    kept.observe(0.003);
    theirs.labels({ operation: 'x', status: 200 }).observe(0.003);
    expect(await tallied.metrics()).toBe(await stock.metrics());
    expect(await tallied.metrics()).toContain('d_seconds_count{operation="x",status="200"} 1');
  });
});

describe('a tallied counter is added to its prom-client counter when scraped', () => {
  it('shows every count at each scrape, and each count once', async () => {
    const registry = new Registry();
    const tally = new CounterTally<'result'>();
    new Counter({ name: 'c_total', help: 'h', labelNames: ['result'], registers: [registry], collect() { tally.flush(this); } });
    const hit = tally.of({ result: 'hit' });
    for (let i = 0; i < 5; i++) hit.inc();
    tally.of({ result: 'miss' }).inc();
    expect(tally.of({ result: 'hit' })).toBe(hit);
    let text = await registry.metrics();
    expect(text).toContain('c_total{result="hit"} 5');
    expect(text).toContain('c_total{result="miss"} 1');
    hit.inc();
    text = await registry.metrics();
    expect(text).toContain('c_total{result="hit"} 6');
    expect(text).toContain('c_total{result="miss"} 1');
  });
});

describe('the cost extension written out is the text JSON.stringify writes', () => {
  it.each([
    [12, 9, 1000, { maximumAvailable: 1000, currentlyAvailable: 979, restoreRate: 50 }],
    [0, 0, 1, { maximumAvailable: 1e9, currentlyAvailable: 999999988, restoreRate: 0.5 }],
    [3.25, -1, 2 ** 40, { maximumAvailable: 1e21, currentlyAvailable: 1e-7, restoreRate: 1 / 3 }],
    [Number.NaN, Infinity, -Infinity, { maximumAvailable: -0, currentlyAvailable: 0, restoreRate: Number.MAX_VALUE }],
    [null, 0, 1000, { maximumAvailable: 1000, currentlyAvailable: 1000, restoreRate: 50 }],
  ])('requested %s, actual %s, limit %s', (requested, actual, limit, throttleStatus) => {
    const cost = { requestedQueryCost: requested, actualQueryCost: actual, limit, throttleStatus };
    expect(costJson(cost)).toBe(JSON.stringify(cost));
  });
});
