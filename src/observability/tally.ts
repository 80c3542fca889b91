/**
 * Counts taken on the hot path as plain numbers, handed to prom-client when the registry is scraped.
 *
 * prom-client's `inc` and `observe` check and hash their labels on every call, even on a labelled child, and a
 * histogram finds its bucket by a number used as an object key. On a response-cache hit that was ~14,000 of the
 * ~170,000 instructions the process spent (`npm run bench:instructions -- --page product-cached --cache`), the
 * largest share of all the app's own JavaScript. Here a series is an object found once, and a count is `n++`.
 * What the registry exposes is unchanged: a tallied counter is flushed into its prom-client Counter by that
 * counter's `collect`, and a `DurationTally` is a metric the registry formats itself (`get`, as prom-client's
 * Histogram answers it), so `/metrics` reads the same text.
 */
import type { Counter, LabelValues } from 'prom-client';

/** One line of a metric as prom-client's registry formats it: `metricName{labels,sharedLabels} value`. */
interface Line {
  labels: LabelValues<string>;
  sharedLabels: LabelValues<string>;
  value: number;
  metricName: string;
}

/** One labelled series of a counter, counted until the next scrape. */
export interface TallySeries {
  inc(): void;
}

/** A prom-client Counter's series counted here between scrapes: call `flush` from the counter's `collect`. */
export class CounterTally<L extends string> {
  readonly #series = new Map<string, { labels: LabelValues<L>; n: number; inc(): void }>();

  /** The series of `labels`: keep it, and `inc()` it. The label values must be bounded (they key a Map). */
  of(labels: LabelValues<L>): TallySeries {
    const key = JSON.stringify(labels);
    let series = this.#series.get(key);
    if (!series) {
      series = { labels, n: 0, inc: () => void series!.n++ };
      this.#series.set(key, series);
    }
    return series;
  }

  /** Adds what was counted since the last flush to `counter`. */
  flush(counter: Counter<L>): void {
    for (const series of this.#series.values()) {
      if (series.n === 0) continue;
      counter.inc(series.labels, series.n);
      series.n = 0;
    }
  }
}

interface DurationSeries {
  labels: LabelValues<string>;
  /** Observations by bucket: `counts[i]` fell in (buckets[i-1], buckets[i]]; the last slot is above every bound. */
  counts: number[];
  sum: number;
  count: number;
  observe(seconds: number): void;
}

/**
 * A histogram registered with a prom-client Registry (`registry.registerMetric`) and exposed as prom-client's own
 * Histogram would expose the same observations: `_bucket` lines (cumulative, `le` first, then `+Inf`), `_sum`,
 * `_count` (test/hot-path-counts.test.ts compares the two texts).
 */
export class DurationTally<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #series = new Map<string, DurationSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {}

  /** The series of `labels`: keep it, and `observe(seconds)`. The label values must be bounded (they key a Map). */
  labels(labels: LabelValues<L>): { observe(seconds: number): void } {
    const key = JSON.stringify(labels);
    let series = this.#series.get(key);
    if (!series) {
      const { buckets } = this;
      const made: DurationSeries = {
        labels,
        counts: new Array<number>(buckets.length + 1).fill(0),
        sum: 0,
        count: 0,
        observe(seconds) {
          let i = 0;
          while (i < buckets.length && seconds > buckets[i]!) i++;
          made.counts[i]!++;
          made.sum += seconds;
          made.count++;
        },
      };
      this.#series.set(key, (series = made));
    }
    return series;
  }

  /** What the registry formats (prom-client's `MetricObjectWithValues`), as its Histogram lays it out. */
  get(): Promise<{ name: string; help: string; type: 'histogram'; values: Line[]; aggregator: 'sum' }> {
    const values: Line[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.#series.values()) {
      let below = 0;
      this.buckets.forEach((le, i) => {
        below += s.counts[i]!;
        values.push({ labels: { le }, sharedLabels: s.labels, value: below, metricName: bucket });
      });
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucket },
        { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` },
      );
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  /** The registry's `resetMetrics`: every series back to zero (holders keep their series, as prom-client's children). */
  reset(): void {
    for (const s of this.#series.values()) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}
