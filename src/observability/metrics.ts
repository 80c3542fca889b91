/** Prometheus metrics (prom-client), one registry per app so tests can run several apps in one process. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    sqlStatements: new Counter({
      name: 'sql_statements_total',
      help: 'SQL statements executed against the database.',
      registers: [registry],
    }),
    responseCache: new Counter({
      name: 'response_cache_requests_total',
      help: 'GraphQL reads answered from the response cache (hit) or executed (miss).',
      labelNames: ['result'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route and status.',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
