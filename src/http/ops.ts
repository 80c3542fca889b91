/** Operational routes: liveness, readiness and Prometheus metrics. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../db/engine.js';
import type { Metrics } from '../observability/metrics.js';

export interface OpsOptions {
  /**
   * When set, `/metrics` answers only `Authorization: Bearer <token>` (401 otherwise): exposing the process's
   * metrics is the operator's choice. Unset, it is public, as the contract lists it. @default undefined (METRICS_TOKEN)
   */
  metricsToken?: string;
}

export function registerOpsRoutes(app: FastifyInstance, database: Engine, metrics: Metrics, options: OpsOptions = {}): void {
  const expected = options.metricsToken === undefined ? undefined : createHash('sha256').update(`Bearer ${options.metricsToken}`).digest();
  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/ready', async (_req, reply) => {
    try {
      await database.ping();
      return { status: 'ok', database: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: 'failed' });
    }
  });

  app.get('/metrics', async (req, reply) => {
    if (expected) {
      const given = createHash('sha256').update(req.headers.authorization ?? '').digest();
      if (!timingSafeEqual(given, expected)) {
        return reply.code(401).header('www-authenticate', 'Bearer').send({ error: { code: 'UNAUTHENTICATED', message: 'Metrics need the metrics token.' } });
      }
    }
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
