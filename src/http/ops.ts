/** Operational routes: liveness, readiness and Prometheus metrics. */
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../db/engine.js';
import type { Metrics } from '../observability/metrics.js';

export function registerOpsRoutes(app: FastifyInstance, database: Engine, metrics: Metrics): void {
  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/ready', async (_req, reply) => {
    try {
      await database.ping();
      return { status: 'ok', database: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: 'failed' });
    }
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
