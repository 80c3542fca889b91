/** Operational routes: liveness, readiness and Prometheus metrics. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../db/engine.js';
import type { Metrics } from '../observability/metrics.js';
import type { RedisLink } from '../stores/redis.js';

export interface OpsOptions {
  /**
   * When set, `/metrics` answers only `Authorization: Bearer <token>` (401 otherwise): exposing the process's
   * metrics is the operator's choice. Unset, it is public, as the contract lists it. @default undefined (METRICS_TOKEN)
   */
  metricsToken?: string;
  /** The shared stores' connection when `REDIS_URL` is set: `/ready` then reports it too. */
  redis?: RedisLink | null;
}

export function registerOpsRoutes(app: FastifyInstance, database: Engine, metrics: Metrics, options: OpsOptions = {}): void {
  const redis = options.redis ?? null;
  const expected = options.metricsToken === undefined ? undefined : createHash('sha256').update(`Bearer ${options.metricsToken}`).digest();
  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/ready', async (_req, reply) => {
    let databaseOk = true;
    try {
      await database.ping();
    } catch {
      databaseOk = false;
    }
    const redisOk = redis ? redis.available() : null;
    const body = {
      status: databaseOk && redisOk !== false ? 'ok' : 'unavailable',
      database: databaseOk ? 'ok' : 'failed',
      ...(redisOk !== null && { redis: redisOk ? 'ok' : 'failed' }),
    };
    return body.status === 'ok' ? body : reply.code(503).send(body);
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
