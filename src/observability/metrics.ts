/**
 * Prometheus metrics (prom-client), one registry per app so tests can run several apps in one process.
 *
 * Counters that the hot path would otherwise bump per event (SQL statements) and gauges of live state (WebSocket
 * connections, subscriptions) are read at scrape time from the sources the app registers with `observe`, so they
 * cost nothing between scrapes. Those counted on every request (cache results, deprecated coordinates, request
 * durations) are tallied as plain numbers and handed to the registry when it is scraped (./tally.ts).
 */
import { Counter, Gauge, Registry, collectDefaultMetrics, type Histogram } from 'prom-client';
import { CounterTally, DurationTally } from './tally.js';

/** What the app exposes for scrape-time metrics. */
export interface MetricSources {
  /** Statements the database has executed since it opened (`database.stats.statements`). */
  sqlStatements(): number;
  /** The WebSocket server's counts (`app.subscriptions.stats()`). */
  subscriptions(): { sockets: number; subscriptions: number; fanouts: number; fanoutSeconds: number; fanoutMaxSeconds: number };
}

/**
 * Operation names come from clients: past this many distinct names, further ones are counted as `(other)`, so a
 * client sending random names cannot grow the registry without bound.
 */
const MAX_OPERATION_LABELS = 200;

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let sources: MetricSources | null = null;
  let sqlSeen = 0;
  let fanoutsSeen = 0;
  let fanoutSecondsSeen = 0;
  const operations = new Set<string>();
  const cacheResults = new CounterTally<'result'>();
  const deprecatedUses = new CounterTally<'coordinate'>();
  const httpDuration = new DurationTally<'operation' | 'status'>(
    'http_request_duration_seconds',
    'HTTP request duration by operation (the GraphQL operation name, else the route) and status.',
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  // A metric the registry formats as it formats its own (tally.ts); typed as what it stands in for.
  registry.registerMetric(httpDuration as unknown as Histogram);

  return {
    registry,
    /** Registers the sources of the scrape-time metrics (once the app has its database and WebSocket server). */
    observe(from: MetricSources) {
      sources = from;
      sqlSeen = from.sqlStatements();
    },
    sqlStatements: new Counter({
      name: 'sql_statements_total',
      help: 'SQL statements executed against the database.',
      registers: [registry],
      collect() {
        if (!sources) return;
        const now = sources.sqlStatements();
        if (now > sqlSeen) this.inc(now - sqlSeen);
        sqlSeen = now;
      },
    }),
    responseCache: new Counter({
      name: 'response_cache_requests_total',
      help: 'GraphQL reads answered from the response cache (hit) or executed (miss).',
      labelNames: ['result'],
      registers: [registry],
      collect() {
        cacheResults.flush(this);
      },
    }),
    /** `response_cache_requests_total`'s series, counted between scrapes. */
    cacheResults,
    httpDuration,
    refused: new Counter({
      name: 'graphql_refused_total',
      help: 'Operations refused with QUERY_TOO_COMPLEX before running, by the limit they broke.',
      labelNames: ['limit'],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'rate_limited_total',
      help: 'Requests refused with RATE_LIMITED (GraphQL, cache hits, REST, subscription starts).',
      registers: [registry],
    }),
    deprecatedUsage: new Counter({
      name: 'graphql_deprecated_field_usage_total',
      help: 'Operations (executed or answered from the cache) that used a deprecated field, argument, input field or enum value, by its schema coordinate.',
      labelNames: ['coordinate'] as const,
      registers: [registry],
      collect() {
        deprecatedUses.flush(this);
      },
    }),
    /** `graphql_deprecated_field_usage_total`'s series, counted between scrapes. */
    deprecatedUses,
    webSockets: new Gauge({
      name: 'websocket_connections',
      help: 'Open WebSocket connections.',
      registers: [registry],
      collect() {
        if (sources) this.set(sources.subscriptions().sockets);
      },
    }),
    subscriptions: new Gauge({
      name: 'graphql_subscriptions',
      help: 'Active GraphQL subscriptions across all WebSocket connections.',
      registers: [registry],
      collect() {
        if (sources) this.set(sources.subscriptions().subscriptions);
      },
    }),
    fanouts: new Counter({
      name: 'graphql_subscription_fanouts_total',
      help: 'Order changes delivered to at least one WebSocket subscriber.',
      registers: [registry],
      collect() {
        if (!sources) return;
        const now = sources.subscriptions().fanouts;
        if (now > fanoutsSeen) this.inc(now - fanoutsSeen);
        fanoutsSeen = now;
      },
    }),
    fanoutSeconds: new Counter({
      name: 'graphql_subscription_fanout_seconds_total',
      help: 'Time spent delivering those changes: from the change feed handing one on to the write to its last socket.',
      registers: [registry],
      collect() {
        if (!sources) return;
        const now = sources.subscriptions().fanoutSeconds;
        if (now > fanoutSecondsSeen) this.inc(now - fanoutSecondsSeen);
        fanoutSecondsSeen = now;
      },
    }),
    fanoutMax: new Gauge({
      name: 'graphql_subscription_fanout_max_seconds',
      help: 'The longest delivery of one change so far (from the change feed handing it on to its last socket write).',
      registers: [registry],
      collect() {
        if (sources) this.set(sources.subscriptions().fanoutMaxSeconds);
      },
    }),
    /** The label for an operation name: bounded in length and in how many distinct values the registry holds. */
    operationLabel(name: string): string {
      const label = name.slice(0, 100);
      if (operations.has(label)) return label;
      if (operations.size >= MAX_OPERATION_LABELS) return '(other)';
      operations.add(label);
      return label;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
